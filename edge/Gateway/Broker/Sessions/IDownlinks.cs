namespace Eldercare.Edge.Gateway.Broker.Sessions;

/// <summary>
/// Sends a downlink to a device: what operator acknowledgements ("help is coming") and configuration changes call.
/// The downlink goes to the device's commands topic (<c>Topics.Commands(deviceId)</c>) at QoS 1, after every downlink
/// queued for it before, once the device is connected and subscribed; it is resent (DUP) after a reconnect or a
/// gateway restart until the device's PUBACK. docs/wire-format.md "Downlinks" states the rules.
/// </summary>
public interface IDownlinks
{
    /// <summary>
    /// Queues <paramref name="payload"/> for <paramref name="deviceId"/>. Completes with <see cref="DownlinkOutcome.Queued"/>
    /// only once the downlink is on disk (fsync): from then on it survives a gateway restart. Any other outcome means
    /// nothing was queued, and says why (each counted in <c>gateway_downlinks_rejected_total{reason}</c>). A failed
    /// disk write faults the task (the SQLite error): nothing was queued then either.
    /// </summary>
    Task<DownlinkOutcome> EnqueueAsync(string deviceId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IDownlinks.EnqueueAsync"/> did with a downlink.</summary>
public enum DownlinkOutcome
{
    /// <summary>On disk, in the device's session, to be delivered in order.</summary>
    Queued,

    /// <summary>The device is not in the registry (<c>unknown_device</c>).</summary>
    UnknownDevice,

    /// <summary>
    /// The device holds no session: it never connected, or its last session was a clean one (MQTT 3.1.1 clean session
    /// 1, MQTT 5 Session Expiry Interval 0) that ended with its connection, or its session expired (<c>no_session</c>).
    /// A device keeps a session across disconnects only when it asks for one at CONNECT.
    /// </summary>
    NoSession,

    /// <summary>The device already has <c>Gateway:Mqtt:MaxQueuedDownlinksPerDevice</c> downlinks queued (<c>queue_full</c>).</summary>
    QueueFull,

    /// <summary>The payload is over <see cref="DownlinkQueue.MaxPayloadBytes"/> bytes (<c>too_large</c>).</summary>
    TooLarge,
}
