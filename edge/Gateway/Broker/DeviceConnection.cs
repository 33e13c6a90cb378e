using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Eldercare.Edge.Gateway.Broker;

// Size (~540 lines): one job, one device's MQTT exchange on the listener, but it still holds TLS set-up, buffering,
// dispatch, keep-alive stamps, serialised sends and the formatter cache. Framing is already out (MqttFrameReader);
// the rest splits behind a session-handler interface when sessions and downlinks come (issue 12, not done yet).
/// <summary>
/// One device's MQTT connection on the gateway's device listener (<see cref="DeviceBroker"/>). MQTTnet's packet
/// formatter encodes and decodes every packet (MQTT 3.1, 3.1.1 and 5); this class only frames the byte stream,
/// enforces the packet size limit before a body is buffered, and runs the device's packets in order: CONNECT
/// first, then each PUBLISH is stored before its PUBACK is written, as on MQTTnet's server. What it keeps per
/// connection is small on purpose: no receive buffer while the device is idle (a zero-byte read waits for
/// data, then a pooled buffer is rented until the bytes are consumed), no send loop, no packet queue.
/// </summary>
internal sealed class DeviceConnection
{
    // Fits every packet of wire format v1 (an event is <= 1 KB plus a ~50-byte topic); larger ones rent more.
    private const int ReceiveBufferBytes = 2048;

    private readonly DeviceBroker _broker;
    private readonly Socket _socket;
    private readonly X509Certificate2? _certificate;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly MqttPubAckPacket _pubAck = new();
    private Stream _stream;
    private byte[]? _rx;
    private int _rxStart;
    private int _rxEnd;
    private long _acceptedAt;
    private long _lastReceivedAt;
    private long _packetStartedAt;
    private volatile bool _connectReceived;
    private int _closed;

    public DeviceConnection(DeviceBroker broker, Socket socket, X509Certificate2? certificate)
    {
        _broker = broker;
        _socket = socket;
        _certificate = certificate;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Remote = socket.RemoteEndPoint?.ToString() ?? "?";
        _acceptedAt = _broker.NowMilliseconds;
        _lastReceivedAt = _acceptedAt;
    }

    /// <summary>The peer's address and port: who a rejection before CONNECT is recorded against.</summary>
    public string Remote { get; }

    /// <summary>The device id (the login) once CONNECT was accepted.</summary>
    public string? DeviceId { get; private set; }

    public string? ClientId { get; private set; }

    public MqttProtocolVersion ProtocolVersion { get; private set; }

    public bool IsConnected => DeviceId is not null;

    public Task Completion { get; private set; } = Task.CompletedTask;

    private ushort KeepAliveSeconds { get; set; }

    public void Start() => Completion = Task.Run(RunAsync);

    /// <summary>Closes the socket; the connection's loop ends at its next read or write. Safe from any thread.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _socket.Dispose();
        }
    }

    /// <summary>Called about once a second by the broker: CONNECT deadline, keep alive, stalled packets.</summary>
    public void CheckTimeouts(long now, long connectTimeoutMs)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return;
        }

        if (!IsConnected)
        {
            // The deadline is for the CONNECT to arrive; its check (PBKDF2, queued behind other first connects in
            // a reconnect storm) may take longer and is not cut short.
            if (!_connectReceived && now - _acceptedAt > connectTimeoutMs)
            {
                _broker.ReportProtocolError(Remote, $"no CONNECT within {connectTimeoutMs / 1000} s: connection closed");
                Abort();
            }

            return;
        }

        var started = Volatile.Read(ref _packetStartedAt);
        if (started != 0 && now - started > connectTimeoutMs)
        {
            _broker.ReportProtocolError(DeviceId!, $"a started packet was not completed within {connectTimeoutMs / 1000} s: connection closed");
            Abort();
            return;
        }

        // MQTT 3.1.2.10 / 5 3.1.2.10: one and a half keep alive periods without a packet closes the connection.
        if (KeepAliveSeconds != 0 && now - Volatile.Read(ref _lastReceivedAt) > KeepAliveSeconds * 1500L)
        {
            _broker.KeepAliveExpired(this);
            Abort();
        }
    }

    private async Task RunAsync()
    {
        try
        {
            if (_certificate is not null && !await AuthenticateTlsAsync().ConfigureAwait(false))
            {
                return;
            }

            while (true)
            {
                var framed = Frame(out var fixedHeader, out var headerLength, out var bodyLength);
                if (framed == FrameResult.NeedMore)
                {
                    if (!await FillAsync(headerLength + bodyLength).ConfigureAwait(false))
                    {
                        return;
                    }

                    continue;
                }

                if (framed == FrameResult.Refused)
                {
                    return;
                }

                var body = new ArraySegment<byte>(_rx!, _rxStart + headerLength, bodyLength);
                if (!IsConnected && ConnectProtocol.IsUnsupportedLevel(body, out var protocolName, out var level))
                {
                    // MQTT 3.1.1 3.1.2.2: an unsupported protocol level gets CONNACK return code 0x01 (unacceptable
                    // protocol version), then the connection is closed. MQTTnet's DetectProtocolVersion would throw,
                    // and the client would see a bare close. The 3.1.1 form: its level is the one we cannot speak.
                    Consume(headerLength + bodyLength);
                    _connectReceived = true;
                    _broker.ReportProtocolError(Remote, $"CONNECT with protocol '{protocolName}' level {level} (supported: MQIsdp 3, MQTT 4 and 5): CONNACK 0x01, connection closed");
                    await SendAsync(ConnectProtocol.UnacceptableProtocolVersion).ConfigureAwait(false);
                    return;
                }

                // Decoded before the bytes are released: MQTTnet's decoder copies the payload out of the buffer.
                var received = new ReceivedMqttPacket(fixedHeader, body, headerLength + bodyLength);
                var packet = Decode(received, out var formatter);
                Consume(headerLength + bodyLength);
                // A publish goes straight to its handler: through HandleAsync it cost one more state machine per event.
                if (packet is null || !await (packet is MqttPublishPacket publish ? HandlePublishAsync(publish) : HandleAsync(packet, formatter)).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The device went away or the gateway closed the connection: nothing to report.
        }
        catch (Exception exception)
        {
            _broker.ReportProtocolError(DeviceId ?? Remote, $"{exception.GetType().Name}: {exception.Message}");
        }
        finally
        {
            Abort();
            if (_rx is not null)
            {
                ArrayPool<byte>.Shared.Return(_rx);
                _rx = null;
            }

            await _stream.DisposeAsync().ConfigureAwait(false);
            _broker.Closed(this);
        }
    }

    private async Task<bool> AuthenticateTlsAsync()
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        _stream = ssl;
        using var timeout = new CancellationTokenSource(_broker.ConnectTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = _certificate,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateRequired = false,
            }, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is AuthenticationException or IOException or OperationCanceledException)
        {
            _broker.ReportTlsFailure(Remote, exception is OperationCanceledException ? "no TLS handshake within the timeout" : exception.Message);
            return false;
        }
    }

    private enum FrameResult
    {
        Complete,
        NeedMore,
        Refused,
    }

    /// <summary>
    /// The next packet in the buffered bytes (<see cref="MqttFrameReader"/>), its refusals reported: a header announcing
    /// more than the limit is refused before any of its body is buffered.
    /// </summary>
    private FrameResult Frame(out byte fixedHeader, out int headerLength, out int bodyLength)
    {
        var frame = MqttFrameReader.Read(_rx is null ? ReadOnlySpan<byte>.Empty : _rx.AsSpan(_rxStart, _rxEnd - _rxStart), _broker.MaxPacketBytes, IsConnected);
        fixedHeader = frame.FixedHeader;
        headerLength = frame.HeaderLength;
        bodyLength = frame.Status is MqttFrameStatus.Complete or MqttFrameStatus.NeedMore ? (int)frame.BodyLength : 0;
        switch (frame.Status)
        {
            case MqttFrameStatus.Complete:
                return FrameResult.Complete;
            case MqttFrameStatus.NeedMore:
                return FrameResult.NeedMore;
            case MqttFrameStatus.MalformedLength:
                // MQTT 5 1.5.5 and 2.1.4 (3.1.1 2.2.3): a variable byte integer has at most four bytes.
                _broker.ReportProtocolError(DeviceId ?? Remote, "malformed remaining length (more than 4 bytes): connection closed");
                return FrameResult.Refused;
            case MqttFrameStatus.TooLarge:
                _broker.ReportTooLarge(Remote, DeviceId, frame.BodyLength);
                return FrameResult.Refused;
            default:
                _broker.ReportProtocolError(Remote, $"first packet is not CONNECT (byte 0x{frame.FixedHeader:X2}): connection closed");
                return FrameResult.Refused;
        }
    }

    /// <summary>Reads more bytes. With nothing buffered it first waits with a zero-byte read, holding no buffer.</summary>
    // Pooled: one of these runs per packet of every device; their state machines were ~15% of the bytes allocated.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FillAsync(int packetLength)
    {
        if (_rx is null)
        {
            await _stream.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
            _rx = ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes);
            _rxStart = _rxEnd = 0;
        }
        else
        {
            if (_rxEnd > _rxStart && Volatile.Read(ref _packetStartedAt) == 0)
            {
                Volatile.Write(ref _packetStartedAt, _broker.NowMilliseconds);
            }

            // Make room for the whole packet (its length is known once the header is in): move it to the
            // start of the buffer, or into a larger one (the size was checked against the limit).
            var needed = Math.Max(packetLength, _rxEnd - _rxStart + 1);
            if (_rx.Length - _rxStart < needed)
            {
                var target = needed <= _rx.Length ? _rx : ArrayPool<byte>.Shared.Rent(needed);
                Buffer.BlockCopy(_rx, _rxStart, target, 0, _rxEnd - _rxStart);
                if (!ReferenceEquals(target, _rx))
                {
                    ArrayPool<byte>.Shared.Return(_rx);
                    _rx = target;
                }

                _rxEnd -= _rxStart;
                _rxStart = 0;
            }
        }

        var read = await _stream.ReadAsync(_rx.AsMemory(_rxEnd)).ConfigureAwait(false);
        if (read == 0)
        {
            return false;
        }

        _rxEnd += read;
        Volatile.Write(ref _lastReceivedAt, _broker.NowMilliseconds);
        return true;
    }

    private void Consume(int length)
    {
        _rxStart += length;
        Volatile.Write(ref _packetStartedAt, 0);
        if (_rxStart == _rxEnd)
        {
            // Idle again: the buffer goes back to the pool until the device sends something.
            ArrayPool<byte>.Shared.Return(_rx!);
            _rx = null;
            _rxStart = _rxEnd = 0;
        }
    }

    private MqttPacket? Decode(ReceivedMqttPacket received, out MqttPacketFormatterAdapter formatter)
    {
        try
        {
            if (!IsConnected)
            {
                // CONNECT: the protocol level decides the formatter for the rest of the connection.
                formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(128, 4096));
                formatter.DetectProtocolVersion(received);
                ProtocolVersion = formatter.ProtocolVersion;
                var connect = formatter.Decode(received);
                _connectReceived = true;
                return connect;
            }

            formatter = PacketFormatters.For(ProtocolVersion);
            return formatter.Decode(received);
        }
        catch (Exception exception) when (exception is MqttProtocolViolationException or ArgumentException or IndexOutOfRangeException or InvalidOperationException or NotSupportedException or OverflowException)
        {
            formatter = null!;
            _broker.ReportProtocolError(DeviceId ?? Remote, $"malformed {PacketName(received.FixedHeader)} packet ({exception.Message}): connection closed");
            return null;
        }
    }

    /// <returns>false when the connection is to be closed.</returns>
    // Pooled: one of these runs per packet of every device; their state machines were ~15% of the bytes allocated.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> HandleAsync(MqttPacket packet, MqttPacketFormatterAdapter formatter)
    {
        switch (packet)
        {
            case MqttConnectPacket connect when !IsConnected:
                return await HandleConnectAsync(connect, formatter).ConfigureAwait(false);
            case MqttPublishPacket publish:
                return await HandlePublishAsync(publish).ConfigureAwait(false);
            case MqttPingReqPacket:
                await SendAsync(MqttPingRespPacket.Instance).ConfigureAwait(false);
                return true;
            case MqttSubscribePacket subscribe:
                await SendAsync(_broker.Subscribe(this, subscribe)).ConfigureAwait(false);
                return true;
            case MqttUnsubscribePacket unsubscribe:
                await SendAsync(new MqttUnsubAckPacket
                {
                    PacketIdentifier = unsubscribe.PacketIdentifier,
                    ReasonCodes = unsubscribe.TopicFilters.Select(_ => MqttUnsubscribeReasonCode.Success).ToList(),
                }).ConfigureAwait(false);
                return true;
            case MqttPubAckPacket:
                // The device acknowledging a downlink: the gateway sends none yet (edge/README.md, "Not done yet").
                return true;
            case MqttDisconnectPacket:
                return false;
            default:
                _broker.ReportProtocolError(DeviceId ?? Remote, $"{packet.GetType().Name.Replace("Mqtt", string.Empty, StringComparison.Ordinal)} not allowed here: connection closed");
                return false;
        }
    }

    private async ValueTask<bool> HandleConnectAsync(MqttConnectPacket connect, MqttPacketFormatterAdapter formatter)
    {
        var reason = await _broker.ValidateConnectAsync(this, connect).ConfigureAwait(false);
        var connAck = new MqttConnAckPacket
        {
            ReasonCode = reason,
            ReturnCode = MqttConnectReasonCodeConverter.ToConnectReturnCode(reason),
            // What this listener supports, told to MQTT 5 devices: QoS 0/1, no retained messages, no aliases.
            MaximumQoS = MqttQualityOfServiceLevel.AtLeastOnce,
            RetainAvailable = false,
            WildcardSubscriptionAvailable = false,
            SharedSubscriptionAvailable = false,
            SubscriptionIdentifiersAvailable = false,
            TopicAliasMaximum = 0,
            // No session state is kept between connections (nothing is queued for an offline device yet).
            IsSessionPresent = false,
        };

        if (reason != MqttConnectReasonCode.Success)
        {
            await SendAsync(connAck, formatter).ConfigureAwait(false);
            return false;
        }

        ClientId = connect.ClientId;
        KeepAliveSeconds = connect.KeepAlivePeriod;
        DeviceId = connect.Username;
        _broker.Connected(this);
        await SendAsync(connAck).ConfigureAwait(false);
        return true;
    }

    // Pooled: one of these runs per packet of every device; their state machines were ~15% of the bytes allocated.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> HandlePublishAsync(MqttPublishPacket publish)
    {
        if (publish.Retain && ProtocolVersion == MqttProtocolVersion.V500)
        {
            // MQTT 5 3.3.1.3: the CONNACK said Retain Available 0, so a retained PUBLISH is a protocol error:
            // DISCONNECT 0x9A (Retain not supported), nothing stored, no PUBACK. (MQTT 3.1.1 cannot be told that
            // retain is unavailable: there the flag is ignored, see docs/wire-format.md.)
            _broker.ReportRetainNotSupported(DeviceId!, "retained PUBLISH while Retain Available is 0: DISCONNECT 0x9A, nothing stored");
            await SendAsync(new MqttDisconnectPacket { ReasonCode = MqttDisconnectReasonCode.RetainNotSupported }).ConfigureAwait(false);
            return false;
        }

        var payload = publish.Payload;
        var bytes = payload.IsSingleSegment && MemoryMarshal.TryGetArray(payload.First, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();
        var (code, reasonString, close) = await _broker.PublishAsync(this, publish.Topic, publish.QualityOfServiceLevel, publish.TopicAlias, bytes).ConfigureAwait(false);
        if (close)
        {
            // A refusal that carries a reason string (device_mismatch) is told to an MQTT 5 device in a PUBACK before
            // the close. MQTT 3.1.1's PUBACK has no reason code, and a plain one would read as "stored": closed
            // without it. Every other close (topic_not_allowed, qos_not_supported, a failed commit) sends nothing.
            if (reasonString is not null && ProtocolVersion == MqttProtocolVersion.V500 && publish.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtLeastOnce)
            {
                await SendAsync(new MqttPubAckPacket { PacketIdentifier = publish.PacketIdentifier, ReasonCode = code, ReasonString = reasonString }).ConfigureAwait(false);
            }

            return false;
        }

        if (publish.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtLeastOnce)
        {
            // Reused: only this loop sends PUBACKs, and the packet is read only while it is encoded.
            _pubAck.PacketIdentifier = publish.PacketIdentifier;
            _pubAck.ReasonCode = code;
            _pubAck.ReasonString = reasonString;
            await SendAsync(_pubAck).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Sends one packet; sends are serialised (the loop's answers and, later, downlinks).</summary>
    public Task SendAsync(MqttPacket packet) => SendAsync(packet, null);

    /// <summary>Sends bytes already encoded (an answer before any protocol version is known).</summary>
    private async Task SendAsync(ReadOnlyMemory<byte> encoded)
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(encoded).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task SendAsync(MqttPacket packet, MqttPacketFormatterAdapter? formatter)
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
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
            await _stream.WriteAsync(rented.AsMemory(0, offset)).ConfigureAwait(false);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            _sendLock.Release();
        }
    }

    private static string PacketName(byte fixedHeader) => (fixedHeader >> 4) switch
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

    /// <summary>
    /// MQTTnet's formatters, one per protocol version and thread. Decoding and encoding are synchronous and the
    /// encoded bytes are copied out before any await, so a thread's formatter is never used by two packets at once;
    /// 10,000 connections then share a handful of formatters instead of holding one each.
    /// </summary>
    private static class PacketFormatters
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
}
