namespace Eldercare.Edge.Gateway.Health;

/// <summary>
/// What the brokers (and ingest, for a heartbeat's period) tell device health about a device
/// (<see cref="DeviceHealthMonitor"/>). Called on the connection's
/// own path, so each member only notes a time: nothing here waits for a disk or a lock held long.
/// </summary>
public interface IDeviceActivity
{
    /// <summary>The device logged in (a lost connection's grace ends: it came back in time).</summary>
    void Connected(string deviceId);

    /// <summary>The device published on its events topic: it is alive (and back, if it was alarmed offline).</summary>
    void EventReceived(string deviceId);

    /// <summary>
    /// A heartbeat from the device was stored: it said its heartbeat period (<c>hbs</c>, seconds), or 0 when it said
    /// none (older firmware: the gateway's configured period). The device's offline deadline follows it from now on.
    /// </summary>
    void HeartbeatPeriodReported(string deviceId, int heartbeatSeconds);

    /// <summary>
    /// The connection ended without DISCONNECT (the socket closed, keep alive expired, a protocol error, an MQTT 5
    /// DISCONNECT 0x04 asking for its will): where MQTT publishes the device's last will (3.1.2.5).
    /// </summary>
    void ConnectionLost(string deviceId);

    /// <summary>The device said DISCONNECT: no last will; only the heartbeat timeout still watches it.</summary>
    void Disconnected(string deviceId);
}
