using Eldercare.Edge.Gateway.Broker.Sessions;
using Eldercare.Edge.Gateway.Metrics;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// Downlinks in external-broker mode (edge/README.md "Downlinks"): the gateway holds no device sessions, mosquitto
/// does. A downlink is published at QoS 1 on the device's command topic through the gateway's own persistent
/// connection; <see cref="DownlinkOutcome.Queued"/> means mosquitto acknowledged it (PUBACK), so mosquitto holds it for a
/// device that is away with its session (clean session off) and delivers it on reconnect, kept across a broker restart
/// with <c>persistence true</c>. A device without a session holding its command subscription (never connected with
/// clean session off) gets nothing: MQTT 5's PUBACK says "no matching subscribers" and the answer is
/// <see cref="DownlinkOutcome.NoSession"/>, as on the embedded broker. With no connection to mosquitto the downlink throws
/// <see cref="DownlinkUnavailableException"/>, so the caller keeps it (the acknowledgement puller does not move its
/// cursor) and tries again.
/// </summary>
public sealed class ExternalDownlinks : IDownlinks
{
    private readonly ExternalBrokerIngest _broker;
    private readonly Func<string, bool> _isRegistered;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<ExternalDownlinks> _logger;

    public ExternalDownlinks(ExternalBrokerIngest broker, Func<string, bool> isRegistered, GatewayMetrics metrics, ILogger<ExternalDownlinks> logger)
    {
        _broker = broker;
        _isRegistered = isRegistered;
        _metrics = metrics;
        _logger = logger;
    }

    public async Task<DownlinkOutcome> EnqueueAsync(string deviceId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        if (payload.Length > DownlinkQueue.MaxPayloadBytes)
        {
            return Refuse(deviceId, DownlinkOutcome.TooLarge, "too_large", $"payload of {payload.Length} bytes, limit {DownlinkQueue.MaxPayloadBytes}");
        }

        if (!_isRegistered(deviceId))
        {
            return Refuse(deviceId, DownlinkOutcome.UnknownDevice, "unknown_device", "not in the registry");
        }

        var answer = await _broker.PublishCommandAsync(deviceId, payload, cancellationToken).ConfigureAwait(false);
        if (answer == MQTTnet.MqttClientPublishReasonCode.NoMatchingSubscribers)
        {
            return Refuse(deviceId, DownlinkOutcome.NoSession, "no_session", "mosquitto holds no subscription of the device (never connected with clean session off, or its session ended)");
        }

        _metrics.CountDownlinkQueued();
        return DownlinkOutcome.Queued;
    }

    private DownlinkOutcome Refuse(string deviceId, DownlinkOutcome outcome, string reason, string detail)
    {
        _metrics.CountDownlinkRejected(reason);
        _logger.LogWarning("downlink to {Device} refused ({Reason}): {Detail}", deviceId, reason, detail);
        return outcome;
    }
}

/// <summary>A downlink could not be handed to the broker now (no connection, no PUBACK): keep it and try again.</summary>
public sealed class DownlinkUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
