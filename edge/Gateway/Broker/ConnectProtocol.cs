using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// The protocol name and level at the start of a CONNECT's variable header, read before MQTTnet's formatter is
/// chosen: MQTTnet's <c>DetectProtocolVersion</c> throws for a level it does not know, and the client must instead get
/// CONNACK 0x01 (MQTT 3.1.1 3.1.2.2).
/// </summary>
internal static class ConnectProtocol
{
    /// <summary>CONNACK with return code 0x01, unacceptable protocol version, in the MQTT 3.1.1 (and 3.1) form.</summary>
    public static ReadOnlyMemory<byte> UnacceptableProtocolVersion { get; } = new byte[] { 0x20, 0x02, 0x00, 0x01 };

    /// <summary>
    /// True when the CONNECT names MQTT ("MQTT", or "MQIsdp" for 3.1) at a level this listener does not speak (it
    /// speaks MQIsdp 3, MQTT 4 and 5). Any other name is not MQTT: 3.1.1 3.1.2.1 lets the server just close, and
    /// MQTTnet's decoder refuses it.
    /// </summary>
    public static bool IsUnsupportedLevel(ReadOnlySpan<byte> body, out string name, out int level)
    {
        name = string.Empty;
        level = 0;
        if (body.Length < 2)
        {
            return false;
        }

        var nameLength = (body[0] << 8) | body[1];
        if (body.Length < 2 + nameLength + 1)
        {
            return false;
        }

        var nameBytes = body.Slice(2, nameLength);
        // The top bit is mosquitto's bridge flag ("try private"); MQTTnet ignores it too.
        level = body[2 + nameLength] & 0x7F;
        if (nameBytes.SequenceEqual("MQTT"u8))
        {
            name = "MQTT";
            return level is not (4 or 5);
        }

        if (nameBytes.SequenceEqual("MQIsdp"u8))
        {
            name = "MQIsdp";
            return level != 3;
        }

        return false;
    }

    /// <summary>The CONNACK for a decision, with what this listener supports told to MQTT 5 devices: QoS 0/1, no retained
    /// messages, no aliases, no wildcard, shared or identified subscriptions.</summary>
    public static MqttConnAckPacket ConnAck(ConnectDecision decision) => new()
    {
        ReasonCode = decision.Reason,
        ReturnCode = MqttConnectReasonCodeConverter.ToConnectReturnCode(decision.Reason),
        MaximumQoS = MqttQualityOfServiceLevel.AtLeastOnce,
        RetainAvailable = false,
        WildcardSubscriptionAvailable = false,
        SharedSubscriptionAvailable = false,
        SubscriptionIdentifiersAvailable = false,
        TopicAliasMaximum = 0,
        // MQTT 3.1.1 3.2.2.2 / 5 3.2.2.1.1: 1 only when the device resumes a session the gateway kept (never on a refusal).
        IsSessionPresent = decision.Reason == MqttConnectReasonCode.Success && decision.SessionPresent,
        // MQTT 5 3.2.2.3.2: told only when the gateway keeps the session for less than the device asked.
        SessionExpiryInterval = decision.SessionExpiryInterval ?? 0,
    };
}
