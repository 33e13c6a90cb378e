namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// Reject reasons decided by the gateway's device listener, in addition to the payload and credential reasons of
/// the firmware core (<c>Eldercare.Firmware.Core.Events.RejectReasons</c>). Listed in docs/wire-format.md.
/// </summary>
public static class BrokerRejectReasons
{
    /// <summary>A QoS 2 publish: wire format v1 uses QoS 1 only; the connection is closed (MQTT 5 3.3.1.2, Maximum QoS).</summary>
    public const string QosNotSupported = "qos_not_supported";

    /// <summary>
    /// MQTT 5: a retained PUBLISH, or a CONNECT with a retained will, while the CONNACK says Retain Available 0
    /// (MQTT 5 3.3.1.3, 3.2.2.3.5): DISCONNECT or CONNACK 0x9A. MQTT 3.1.1 has no such refusal; the flag is ignored.
    /// </summary>
    public const string RetainNotSupported = "retain_not_supported";

    /// <summary>An MQTT packet announced over <c>Gateway:Mqtt:MaxPacketBytes</c>; the connection is cut before it is read.</summary>
    public const string PacketTooLarge = "packet_too_large";

    /// <summary>Bytes that are not MQTT (or a first packet that is not CONNECT); MQTTnet closes the connection.</summary>
    public const string ProtocolError = "protocol_error";

    /// <summary>A CONNECT refused before hashing: its address (or its device id at that address) failed too often this
    /// window, or failed at all while the gateway's verifications for failing addresses are spent (<see cref="ConnectGuard"/>).</summary>
    public const string ConnectRateLimited = "connect_rate_limited";

    /// <summary>A client on the TLS port that did not complete a TLS handshake.</summary>
    public const string TlsHandshakeFailed = "tls_handshake_failed";

    /// <summary>A connected device whose registry entry was disabled or removed: disconnected at once.</summary>
    public const string DeviceRevoked = "device_revoked";
}
