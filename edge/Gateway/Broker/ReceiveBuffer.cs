using System.Buffers;
using System.Runtime.CompilerServices;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// The bytes one connection received and has not consumed yet, and when they came (the keep-alive and stalled-packet
/// checks read the stamps). It holds no buffer while the device is idle: a zero-byte read waits for data, then a
/// pooled buffer is rented until the bytes are consumed. What a frame is, is <see cref="MqttFrameReader"/>'s to say.
/// </summary>
internal sealed class ReceiveBuffer(Func<long> nowMilliseconds)
{
    // Fits every packet of wire format v1 (an event is <= 1 KB plus a ~50-byte topic); larger ones rent more.
    private const int InitialBytes = 2048;

    private byte[]? _rx;
    private int _start;
    private int _end;
    private long _lastReceivedAt = nowMilliseconds();
    private long _packetStartedAt;

    /// <summary>When the last bytes arrived (gateway clock, ms): keep alive counts from here.</summary>
    public long LastReceivedAt => Volatile.Read(ref _lastReceivedAt);

    /// <summary>When the packet now being received started to arrive, 0 when none is partly buffered.</summary>
    public long PacketStartedAt => Volatile.Read(ref _packetStartedAt);

    /// <summary>The next frame in the buffered bytes.</summary>
    public MqttFrame Read(int maxPacketBytes, bool connectReceived) =>
        MqttFrameReader.Read(_rx is null ? ReadOnlySpan<byte>.Empty : _rx.AsSpan(_start, _end - _start), maxPacketBytes, connectReceived);

    /// <summary>The body of a complete frame, valid until <see cref="Consume"/>.</summary>
    public ArraySegment<byte> Body(MqttFrame frame) => new(_rx!, _start + frame.HeaderLength, (int)frame.BodyLength);

    /// <summary>Reads more bytes. With nothing buffered it first waits with a zero-byte read, holding no buffer.</summary>
    /// <returns>false when the peer closed the stream.</returns>
    // Pooled: one of these runs per packet of every device; their state machines were ~15% of the bytes allocated.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> FillAsync(Stream stream, int packetLength)
    {
        if (_rx is null)
        {
            await stream.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
            _rx = ArrayPool<byte>.Shared.Rent(InitialBytes);
            _start = _end = 0;
        }
        else
        {
            if (_end > _start && Volatile.Read(ref _packetStartedAt) == 0)
            {
                Volatile.Write(ref _packetStartedAt, nowMilliseconds());
            }

            // Make room for the whole packet (its length is known once the header is in): move it to the
            // start of the buffer, or into a larger one (the size was checked against the limit).
            var needed = Math.Max(packetLength, _end - _start + 1);
            if (_rx.Length - _start < needed)
            {
                var target = needed <= _rx.Length ? _rx : ArrayPool<byte>.Shared.Rent(needed);
                Buffer.BlockCopy(_rx, _start, target, 0, _end - _start);
                if (!ReferenceEquals(target, _rx))
                {
                    ArrayPool<byte>.Shared.Return(_rx);
                    _rx = target;
                }

                _end -= _start;
                _start = 0;
            }
        }

        var read = await stream.ReadAsync(_rx.AsMemory(_end)).ConfigureAwait(false);
        if (read == 0)
        {
            return false;
        }

        _end += read;
        Volatile.Write(ref _lastReceivedAt, nowMilliseconds());
        return true;
    }

    public void Consume(int length)
    {
        _start += length;
        Volatile.Write(ref _packetStartedAt, 0);
        if (_start == _end)
        {
            // Idle again: the buffer goes back to the pool until the device sends something.
            Release();
        }
    }

    /// <summary>Returns the buffer to the pool (idle, or the connection ended).</summary>
    public void Release()
    {
        if (_rx is not null)
        {
            ArrayPool<byte>.Shared.Return(_rx);
            _rx = null;
        }

        _start = _end = 0;
    }
}
