namespace Eldercare.Edge.Gateway.Broker;

/// <summary>A device announced an MQTT packet over <c>Gateway:Mqtt:MaxPacketBytes</c>; the connection is cut.</summary>
public sealed class PacketTooLargeException : IOException
{
    public PacketTooLargeException(long announcedBytes, int limitBytes)
        : base($"packet of {announcedBytes} bytes announced, limit {limitBytes}")
    {
    }
}
