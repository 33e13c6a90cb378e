namespace Eldercare.Edge.Gateway.Broker.Sessions;

/// <summary>
/// One device's session in memory, guarded by locking the object itself (<see cref="DeviceSessions"/> does): the
/// figures and flags that decide delivery. Payloads stay on disk (<see cref="SessionStore"/>), so 10,000 sessions with
/// full queues cost a few hundred kilobytes of memory, not their payloads.
/// </summary>
internal sealed class DeviceSession(string deviceId)
{
    public string DeviceId { get; } = deviceId;

    /// <summary>The connection the device is on now; null while it is away.</summary>
    public ISessionLink? Link { get; set; }

    /// <summary>Seconds the session outlives a disconnect; 0 = it ends with the connection (clean session).</summary>
    public long ExpirySeconds { get; set; }

    /// <summary>Whether a row in <c>sessions</c> holds it (a session that asked to outlive a disconnect once).</summary>
    public bool Stored { get; set; }

    /// <summary>The session holds the subscription to its device's commands topic: delivery may run.</summary>
    public bool Subscribed { get; set; }

    /// <summary>Downlinks queued, the one in flight included.</summary>
    public int Depth { get; set; }

    /// <summary>The store sequence of the downlink sent on the current connection and not yet acknowledged.</summary>
    public long? InFlight { get; set; }

    /// <summary>Unix ms of the disconnect that started its expiry; null while connected.</summary>
    public long? DisconnectedAtMs { get; set; }

    /// <summary>Set once the session was discarded: whoever still holds this object must look the device up again.</summary>
    public bool Ended { get; set; }
}
