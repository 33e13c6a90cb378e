using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>The listener's limits a connection enforces itself (framing and deadlines).</summary>
internal readonly record struct ListenerLimits(int MaxPacketBytes, TimeSpan ConnectTimeout);

/// <summary>What a CONNECT gets: the CONNACK's reason, its Session Present flag, and for MQTT 5 the Session Expiry
/// Interval to announce when the gateway keeps the session for less than the device asked (null: as asked).</summary>
internal readonly record struct ConnectDecision(MqttConnectReasonCode Reason, bool SessionPresent, uint? SessionExpiryInterval);

/// <summary>What a PUBLISH gets: the PUBACK's reason code (MQTT 5; 3.1.1 has none), its reason string, and whether the
/// connection is closed instead (a close with a reason string is told to an MQTT 5 device in a PUBACK first).</summary>
public readonly record struct PublishDecision(MqttPubAckReasonCode Code, string? ReasonString, bool Close);

/// <summary>
/// Everything a <see cref="DeviceConnection"/> asks of the gateway, in one place: the connection frames, decodes,
/// keeps time and writes packets; this side decides (login, ACL, storing events, sessions and downlinks) and counts.
/// One interface instead of a dozen members of the broker, so a connection can be driven by a fake in a test.
/// </summary>
internal interface IDeviceSessionHandler
{
    /// <summary>Monotonic milliseconds of the gateway's clock (keep alive, deadlines).</summary>
    long NowMilliseconds { get; }

    ListenerLimits Limits { get; }

    /// <summary>Records a refusal (counted by reason, logged with escaping and per-window caps).</summary>
    void Reject(string who, string reason, string detail);

    /// <summary>The device sent nothing for 1.5 keep-alive periods; the connection is closed.</summary>
    void KeepAliveExpired(DeviceConnection connection);

    /// <summary>Checks a CONNECT; on success logs the device in on the connection (take-over, session attached).</summary>
    ValueTask<ConnectDecision> ConnectAsync(DeviceConnection connection, MqttConnectPacket connect);

    /// <summary>Checks and stores a device's PUBLISH; completes after the event is durable.</summary>
    ValueTask<PublishDecision> PublishAsync(DeviceConnection connection, MqttPublishPacket publish, byte[] payload);

    /// <summary>Answers a SUBSCRIBE (the SUBACK is sent here, before any downlink it lets through).</summary>
    Task SubscribeAsync(DeviceConnection connection, MqttSubscribePacket subscribe);

    /// <summary>Answers an UNSUBSCRIBE.</summary>
    Task UnsubscribeAsync(DeviceConnection connection, MqttUnsubscribePacket unsubscribe);

    /// <summary>The device's DISCONNECT (before <see cref="Closed"/>): an MQTT 5 Session Expiry Interval in it applies.</summary>
    void Disconnecting(DeviceConnection connection, MqttDisconnectPacket disconnect);

    /// <summary>The device's PUBACK of a downlink.</summary>
    void Acknowledged(DeviceConnection connection, MqttPubAckPacket pubAck);

    /// <summary>The connection ended (any cause); called once.</summary>
    void Closed(DeviceConnection connection);
}
