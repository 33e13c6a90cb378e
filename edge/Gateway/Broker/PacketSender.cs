using System.Buffers;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// Writes one connection's packets, one at a time: the receive loop's answers (CONNACK, PUBACK, SUBACK...) and the
/// session's downlinks share the stream, and a packet must never be interleaved with another. MQTTnet's formatter
/// encodes; the bytes are copied out before the write, so a thread's formatter is free again at once.
/// </summary>
internal sealed class PacketSender(Stream stream)
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>The stream packets go to (replaced by the TLS stream once the handshake is done).</summary>
    public Stream Stream { get; set; } = stream;

    /// <summary>The protocol level of the CONNECT, which decides the encoding of everything after it.</summary>
    public MqttProtocolVersion ProtocolVersion { get; set; }

    /// <summary>Sends bytes already encoded (an answer before any protocol version is known).</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> encoded)
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            await Stream.WriteAsync(encoded).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <param name="formatter">The CONNECT's own formatter for its CONNACK; null for the connection's protocol level.</param>
    public async Task SendAsync(MqttPacket packet, MqttPacketFormatterAdapter? formatter = null)
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        byte[]? rented = null;
        try
        {
            // Taken after the wait: the wait may resume on another thread, and a thread's formatter is its own.
            formatter ??= PacketFormatters.For(ProtocolVersion);
            // Encoded into the formatter's buffer and copied out at once: the formatter may be shared by the thread.
            var buffer = formatter.Encode(packet);
            rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
            buffer.Packet.AsSpan().CopyTo(rented);
            var offset = buffer.Packet.Count;
            foreach (var part in buffer.Payload)
            {
                part.Span.CopyTo(rented.AsSpan(offset));
                offset += part.Length;
            }

            formatter.Cleanup();
            await Stream.WriteAsync(rented.AsMemory(0, offset)).ConfigureAwait(false);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            _lock.Release();
        }
    }
}

/// <summary>
/// MQTTnet's formatters, one per protocol version and thread. Decoding and encoding are synchronous and the encoded
/// bytes are copied out before any await, so a thread's formatter is never used by two packets at once; 10,000
/// connections then share a handful of formatters instead of holding one each.
/// </summary>
internal static class PacketFormatters
{
    [ThreadStatic]
    private static MqttPacketFormatterAdapter? _v500;

    [ThreadStatic]
    private static MqttPacketFormatterAdapter? _v311;

    [ThreadStatic]
    private static MqttPacketFormatterAdapter? _v310;

    public static MqttPacketFormatterAdapter For(MqttProtocolVersion version) => version switch
    {
        MqttProtocolVersion.V500 => _v500 ??= Create(version),
        MqttProtocolVersion.V311 => _v311 ??= Create(version),
        MqttProtocolVersion.V310 => _v310 ??= Create(version),
        _ => throw new InvalidOperationException($"protocol version {version} has no formatter"),
    };

    private static MqttPacketFormatterAdapter Create(MqttProtocolVersion version) => new(version, new MqttBufferWriter(256, 16_384));
}
