using Eldercare.Edge.Gateway.Broker.Sessions;
using Eldercare.Firmware.Core.Commands;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// Taking an alarm is acknowledging it: the device shows "help is coming" (a kiosk: "accepted"). The same path as the
/// platform's acknowledgements (Forwarding/AcknowledgementPuller): an <c>ack</c> command made by
/// <see cref="CommandCodec.EncodeAck"/> (its one owner) queued durably with <see cref="IDownlinks"/>, delivered at once
/// to a connected device and on reconnect otherwise. A gateway-made alarm (device_offline) has no device to tell.
/// </summary>
public sealed class DeskAcknowledger
{
    /// <summary>The <c>by</c> of the command: a role, in the device-id alphabet the codec allows, never a person's name.</summary>
    public const string By = "center";

    private readonly IDownlinks? _downlinks;
    private readonly string _gatewayId;
    private readonly ConsoleDatabase _database;

    /// <param name="downlinks">Null with an external broker (the gateway then holds no device sessions).</param>
    public DeskAcknowledger(IDownlinks? downlinks, string gatewayId, ConsoleDatabase database)
    {
        _downlinks = downlinks;
        _gatewayId = gatewayId;
        _database = database;
    }

    /// <summary>Queues the acknowledgement of a taken alarm; returns what happened (also written to the audit trail).</summary>
    public async Task<string> AcknowledgeAsync(DeskAlarm alarm, long now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        string outcome;
        if (alarm.Source == _gatewayId)
        {
            outcome = "gateway_event";
        }
        else if (_downlinks is null)
        {
            outcome = "no_downlinks";
        }
        else
        {
            var payload = CommandCodec.EncodeAck(alarm.EventId, now, By);
            try
            {
                outcome = payload is null ? "bad_ack" : (await _downlinks.EnqueueAsync(alarm.Source, payload, cancellationToken).ConfigureAwait(false)).ToString();
            }
            catch (Broker.DownlinkUnavailableException)
            {
                // External broker unreachable at this moment: recorded in the audit trail; the take itself stands and
                // goes upstream (alarm_taken), and the platform's acknowledgement path retries on its own.
                outcome = "broker_unreachable";
            }
        }

        _database.Write((c, t) =>
        {
            AuditTrail.Record(c, t, now, AuditTrail.System, "ack_downlink", alarm.EventId, outcome);
            return 0;
        });
        return outcome;
    }
}
