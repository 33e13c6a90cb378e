using System.Globalization;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.Edge.Gateway.Health;

/// <summary>
/// The gateway's own events about a device, encoded with the firmware's codec (so they decode like any device's):
/// <c>dev</c> = the gateway's id, its own boot epoch and seq, <c>subj</c> = the device concerned
/// (docs/wire-format.md "Gateway events"). Pure: the caller allocates the identity and persists the payload before
/// it appends it, so one id always names one payload.
/// </summary>
public static class GatewayEvents
{
    /// <summary>Offline because of missed heartbeats.</summary>
    public const string HeartbeatTimeout = "heartbeat_timeout";

    /// <summary>Offline because the connection was lost without DISCONNECT (the MQTT last will).</summary>
    public const string LastWill = "last_will";

    public static EventRecord Offline(string gatewayId, int boot, int seq, string subject, string reason, long lastSeenUnixMilliseconds, long nowUnixMilliseconds)
    {
        var e = new DeviceEvent(gatewayId, boot, seq, EventTypes.DeviceOffline, nowUnixMilliseconds)
        {
            Subject = subject,
            Info = $"reason={reason};silent={Seconds(nowUnixMilliseconds - lastSeenUnixMilliseconds)}s",
        };
        return Record(e, nowUnixMilliseconds);
    }

    /// <param name="alarmBoot">The cleared alarm's boot epoch: the online event takes the same one, so <c>ref</c> (a
    /// seq of the same boot, as a cancel's) names the alarm even when the gateway restarted in between.</param>
    public static EventRecord Online(string gatewayId, int alarmBoot, int seq, int alarmSeq, string subject, long offlineSinceUnixMilliseconds, long nowUnixMilliseconds)
    {
        var e = new DeviceEvent(gatewayId, alarmBoot, seq, EventTypes.DeviceOnline, nowUnixMilliseconds)
        {
            Subject = subject,
            ReferenceSequence = alarmSeq,
            Info = $"offline={Seconds(nowUnixMilliseconds - offlineSinceUnixMilliseconds)}s",
        };
        return Record(e, nowUnixMilliseconds);
    }

    /// <summary>A payload kept before its append, back as the record to append (at a restart): decoded, so it is
    /// exactly what the first attempt appended.</summary>
    public static EventRecord FromPayload(string payload, long receivedUnixMilliseconds)
    {
        var decoded = EventCodec.Decode(System.Text.Encoding.UTF8.GetBytes(payload));
        if (!decoded.Ok)
        {
            throw new InvalidDataException($"a kept gateway event does not decode ({decoded.Reason}: {decoded.Detail})");
        }

        return EventRecord.FromDevice(decoded.Event, payload, receivedUnixMilliseconds);
    }

    private static EventRecord Record(DeviceEvent e, long nowUnixMilliseconds) =>
        EventRecord.FromDevice(e, EventCodec.EncodeToString(e), nowUnixMilliseconds);

    private static string Seconds(long milliseconds) => Math.Max(0, milliseconds / 1000).ToString(CultureInfo.InvariantCulture);
}
