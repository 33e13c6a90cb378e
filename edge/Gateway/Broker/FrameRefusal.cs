namespace Eldercare.Edge.Gateway.Broker;

/// <summary>How a refused frame (<see cref="MqttFrameReader"/>) is recorded: against whom, with which reason and detail.</summary>
internal static class FrameRefusal
{
    public static (string Who, string Reason, string Detail) Describe(MqttFrame frame, string? deviceId, string remote, int maxPacketBytes) => frame.Status switch
    {
        // MQTT 5 1.5.5 and 2.1.4 (3.1.1 2.2.3): a variable byte integer has at most four bytes.
        MqttFrameStatus.MalformedLength => (deviceId ?? remote, BrokerRejectReasons.ProtocolError, "malformed remaining length (more than 4 bytes): connection closed"),
        // Recorded against the device once it logged in (its own allowance of log lines), else against the address.
        MqttFrameStatus.TooLarge => (deviceId ?? remote, BrokerRejectReasons.PacketTooLarge,
            $"packet of {frame.BodyLength} bytes announced{(deviceId is null ? string.Empty : $" by {deviceId} from {remote}")}, limit {maxPacketBytes}: connection closed"),
        _ => (remote, BrokerRejectReasons.ProtocolError, $"first packet is not CONNECT (byte 0x{frame.FixedHeader:X2}): connection closed"),
    };

    public static string PacketName(byte fixedHeader) => (fixedHeader >> 4) switch
    {
        1 => "CONNECT",
        3 => "PUBLISH",
        4 => "PUBACK",
        8 => "SUBSCRIBE",
        10 => "UNSUBSCRIBE",
        12 => "PINGREQ",
        14 => "DISCONNECT",
        var type => $"type {type}",
    };
}
