namespace Eldercare.Edge.Gateway.Broker;

/// <summary>What <see cref="MqttFrameReader.Read"/> found at the start of the buffered bytes.</summary>
public enum MqttFrameStatus
{
    /// <summary>A whole packet: its header and body are buffered.</summary>
    Complete,

    /// <summary>More bytes are needed (the header, or the rest of the body).</summary>
    NeedMore,

    /// <summary>The remaining length runs past four bytes: a malformed packet (protocol_error).</summary>
    MalformedLength,

    /// <summary>The remaining length announces more than the limit (packet_too_large); refused before the body.</summary>
    TooLarge,

    /// <summary>The first packet of a connection is not a CONNECT (protocol_error).</summary>
    FirstNotConnect,
}

/// <summary>One frame's place in the buffer: the fixed header byte, the header's length, the body's length (the
/// announced remaining length when <see cref="MqttFrameStatus.TooLarge"/>).</summary>
public readonly record struct MqttFrame(MqttFrameStatus Status, byte FixedHeader, int HeaderLength, long BodyLength);

/// <summary>
/// Finds the next MQTT packet in a byte stream (MQTT 5 2.1.4, 3.1.1 2.2.3: a type byte, then the remaining length as a
/// variable byte integer of at most four bytes). Pure: bytes in, a verdict out, so it is tested over byte arrays (split
/// and coalesced headers, the 4-byte limit, sizes) instead of over sockets. The connection decides what to report.
/// </summary>
public static class MqttFrameReader
{
    private const byte ConnectHeader = 0x10;

    /// <param name="buffered">The bytes received and not yet consumed, starting at a packet boundary.</param>
    /// <param name="maxPacketBytes">The largest remaining length accepted.</param>
    /// <param name="connectReceived">False until the connection's CONNECT: then only a CONNECT may come first.</param>
    public static MqttFrame Read(ReadOnlySpan<byte> buffered, int maxPacketBytes, bool connectReceived)
    {
        if (buffered.Length < 1)
        {
            return new MqttFrame(MqttFrameStatus.NeedMore, 0, 0, 0);
        }

        var fixedHeader = buffered[0];
        long remaining = 0;
        var headerLength = 0;
        for (var i = 1; ; i++)
        {
            if (i >= buffered.Length)
            {
                return new MqttFrame(MqttFrameStatus.NeedMore, fixedHeader, 0, 0);
            }

            var b = buffered[i];
            remaining |= (long)(b & 0x7F) << (7 * (i - 1));
            if ((b & 0x80) == 0)
            {
                headerLength = i + 1;
                break;
            }

            if (i == 4)
            {
                // A fourth byte with the continuation bit: malformed, not large, whatever the first three say.
                return new MqttFrame(MqttFrameStatus.MalformedLength, fixedHeader, 0, 0);
            }
        }

        // Decided once the length is complete (at most 4 bytes to wait for), so the log gives the real size.
        if (remaining > maxPacketBytes)
        {
            return new MqttFrame(MqttFrameStatus.TooLarge, fixedHeader, headerLength, remaining);
        }

        if (!connectReceived && fixedHeader != ConnectHeader)
        {
            // MQTT-3.1.0-1: the first packet from the client must be CONNECT (an HTTP request, TLS to the plain port...).
            return new MqttFrame(MqttFrameStatus.FirstNotConnect, fixedHeader, headerLength, remaining);
        }

        var status = buffered.Length >= headerLength + remaining ? MqttFrameStatus.Complete : MqttFrameStatus.NeedMore;
        return new MqttFrame(status, fixedHeader, headerLength, remaining);
    }
}
