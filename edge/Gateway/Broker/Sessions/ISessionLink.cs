using MQTTnet.Packets;

namespace Eldercare.Edge.Gateway.Broker.Sessions;

/// <summary>
/// What a session needs from the connection its device is on: who it is and a way to send a downlink. The listener's
/// <see cref="DeviceConnection"/> is one; unit tests use a recording fake, so sessions are tested without sockets.
/// </summary>
internal interface ISessionLink
{
    string DeviceId { get; }

    /// <summary>Sends a downlink PUBLISH once the connection's CONNACK is out (never before it: MQTT 3.1.1 3.2.0).
    /// Fails or never completes when the connection closes; the session then resends on the next one.</summary>
    Task SendDownlinkAsync(MqttPublishPacket packet);
}
