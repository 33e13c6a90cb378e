using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Eldercare.Edge.Gateway.Broker.Sessions;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Eldercare.Edge.Gateway.Broker;

// Size (~340 lines, over the ~300 of issue 12 on purpose): one job, one device's MQTT exchange, kept whole so the
// order of a device's packets can be read in one place: TLS set-up, the receive loop and the dispatch of each packet
// to the session handler. Framing is MqttFrameReader's, buffering ReceiveBuffer's, writing PacketSender's, the CONNACK
// ConnectProtocol's, and every decision (login, ACL, storage, sessions, downlinks) the handler's (IDeviceSessionHandler).
/// <summary>
/// One device's MQTT connection on the gateway's device listener (<see cref="DeviceBroker"/>). MQTTnet's packet
/// formatter decodes every packet (MQTT 3.1, 3.1.1 and 5); this class runs the device's packets in order: CONNECT first,
/// then each PUBLISH is stored before its PUBACK is written. It is also the link its session sends downlinks on
/// (<see cref="ISessionLink"/>), never before the CONNACK. What it keeps per connection is small on purpose: no
/// receive buffer while the device is idle, no send loop, no packet queue.
/// </summary>
internal sealed class DeviceConnection : ISessionLink
{
    private readonly IDeviceSessionHandler _handler;
    private readonly Socket _socket;
    private readonly X509Certificate2? _certificate;
    private readonly PacketSender _sender;
    private readonly ReceiveBuffer _buffer;
    private readonly MqttPubAckPacket _pubAck = new();
    // Downlinks wait for the CONNACK (a resumed session's queue starts while it is being written); cancelled at the close.
    private readonly TaskCompletionSource _connAckSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _acceptedAt;
    private volatile bool _connectReceived;
    private int _closed;

    public DeviceConnection(IDeviceSessionHandler handler, Socket socket, X509Certificate2? certificate)
    {
        _handler = handler;
        _socket = socket;
        _certificate = certificate;
        _sender = new PacketSender(new NetworkStream(socket, ownsSocket: true));
        _buffer = new ReceiveBuffer(() => _handler.NowMilliseconds);
        Remote = socket.RemoteEndPoint?.ToString() ?? "?";
        _acceptedAt = _handler.NowMilliseconds;
    }

    /// <summary>The peer's address and port: who a rejection before CONNECT is recorded against.</summary>
    public string Remote { get; }

    /// <summary>The device id (the login) once CONNECT was accepted.</summary>
    public string? DeviceId { get; private set; }

    string ISessionLink.DeviceId => DeviceId!;

    public string? ClientId { get; private set; }

    public MqttProtocolVersion ProtocolVersion => _sender.ProtocolVersion;

    public bool IsConnected => DeviceId is not null;

    /// <summary>
    /// The device ended the connection with DISCONNECT, so MQTT publishes no last will (3.1.2.5; an MQTT 5 DISCONNECT
    /// 0x04 asks for the will all the same). False for every other close: a lost socket, keep alive, a protocol error.
    /// </summary>
    public bool ClosedByDisconnect { get; private set; }

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

    /// <summary>The handler accepted the CONNECT: from now on the connection is this device's.</summary>
    public void LogIn(MqttConnectPacket connect)
    {
        ClientId = connect.ClientId;
        KeepAliveSeconds = connect.KeepAlivePeriod;
        DeviceId = connect.Username;
    }

    /// <summary>Sends one packet (sends are serialised with the receive loop's answers and the downlinks).</summary>
    public Task SendAsync(MqttPacket packet) => _sender.SendAsync(packet);

    public async Task SendDownlinkAsync(MqttPublishPacket packet)
    {
        await _connAckSent.Task.ConfigureAwait(false);
        await _sender.SendAsync(packet).ConfigureAwait(false);
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
                _handler.Reject(Remote, BrokerRejectReasons.ProtocolError, $"no CONNECT within {connectTimeoutMs / 1000} s: connection closed");
                Abort();
            }

            return;
        }

        var started = _buffer.PacketStartedAt;
        if (started != 0 && now - started > connectTimeoutMs)
        {
            _handler.Reject(DeviceId!, BrokerRejectReasons.ProtocolError, $"a started packet was not completed within {connectTimeoutMs / 1000} s: connection closed");
            Abort();
            return;
        }

        // MQTT 3.1.2.10 / 5 3.1.2.10: one and a half keep alive periods without a packet closes the connection.
        if (KeepAliveSeconds != 0 && now - _buffer.LastReceivedAt > KeepAliveSeconds * 1500L)
        {
            _handler.KeepAliveExpired(this);
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
                var frame = _buffer.Read(_handler.Limits.MaxPacketBytes, IsConnected);
                if (frame.Status == MqttFrameStatus.NeedMore)
                {
                    if (!await _buffer.FillAsync(_sender.Stream, frame.HeaderLength + (int)frame.BodyLength).ConfigureAwait(false))
                    {
                        return;
                    }

                    continue;
                }

                if (frame.Status != MqttFrameStatus.Complete)
                {
                    // A header announcing more than the limit is refused before any of its body is buffered.
                    var (who, reason, detail) = FrameRefusal.Describe(frame, DeviceId, Remote, _handler.Limits.MaxPacketBytes);
                    _handler.Reject(who, reason, detail);
                    return;
                }

                var length = frame.HeaderLength + (int)frame.BodyLength;
                var body = _buffer.Body(frame);
                if (!IsConnected && ConnectProtocol.IsUnsupportedLevel(body, out var protocolName, out var level))
                {
                    // MQTT 3.1.1 3.1.2.2: an unsupported protocol level gets CONNACK return code 0x01 (unacceptable
                    // protocol version), then the connection is closed. MQTTnet's DetectProtocolVersion would throw,
                    // and the client would see a bare close. The 3.1.1 form: its level is the one we cannot speak.
                    _buffer.Consume(length);
                    _connectReceived = true;
                    _handler.Reject(Remote, BrokerRejectReasons.ProtocolError, $"CONNECT with protocol '{protocolName}' level {level} (supported: MQIsdp 3, MQTT 4 and 5): CONNACK 0x01, connection closed");
                    await _sender.SendAsync(ConnectProtocol.UnacceptableProtocolVersion).ConfigureAwait(false);
                    return;
                }

                // Decoded before the bytes are released: MQTTnet's decoder copies the payload out of the buffer.
                var packet = Decode(new ReceivedMqttPacket(frame.FixedHeader, body, length), out var formatter);
                _buffer.Consume(length);
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
            _handler.Reject(DeviceId ?? Remote, BrokerRejectReasons.ProtocolError, $"{exception.GetType().Name}: {exception.Message}");
        }
        finally
        {
            Abort();
            _connAckSent.TrySetCanceled();
            _buffer.Release();
            await _sender.Stream.DisposeAsync().ConfigureAwait(false);
            _handler.Closed(this);
        }
    }

    private async Task<bool> AuthenticateTlsAsync()
    {
        var ssl = new SslStream(_sender.Stream, leaveInnerStreamOpen: false);
        _sender.Stream = ssl;
        using var timeout = new CancellationTokenSource(_handler.Limits.ConnectTimeout);
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
            _handler.Reject(Remote, BrokerRejectReasons.TlsHandshakeFailed, exception is OperationCanceledException ? "no TLS handshake within the timeout" : exception.Message);
            return false;
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
                _sender.ProtocolVersion = formatter.ProtocolVersion;
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
            _handler.Reject(DeviceId ?? Remote, BrokerRejectReasons.ProtocolError, $"malformed {FrameRefusal.PacketName(received.FixedHeader)} packet ({exception.Message}): connection closed");
            return null;
        }
    }

    /// <returns>false when the connection is to be closed.</returns>
    private async ValueTask<bool> HandleAsync(MqttPacket packet, MqttPacketFormatterAdapter formatter)
    {
        switch (packet)
        {
            case MqttConnectPacket connect when !IsConnected:
                return await HandleConnectAsync(connect, formatter).ConfigureAwait(false);
            case MqttPingReqPacket:
                await _sender.SendAsync(MqttPingRespPacket.Instance).ConfigureAwait(false);
                return true;
            case MqttSubscribePacket subscribe:
                await _handler.SubscribeAsync(this, subscribe).ConfigureAwait(false);
                return true;
            case MqttUnsubscribePacket unsubscribe:
                await _handler.UnsubscribeAsync(this, unsubscribe).ConfigureAwait(false);
                return true;
            case MqttPubAckPacket pubAck:
                _handler.Acknowledged(this, pubAck);
                return true;
            case MqttDisconnectPacket disconnect:
                ClosedByDisconnect = disconnect.ReasonCode != MqttDisconnectReasonCode.DisconnectWithWillMessage;
                _handler.Disconnecting(this, disconnect);
                return false;
            default:
                _handler.Reject(DeviceId ?? Remote, BrokerRejectReasons.ProtocolError, $"{packet.GetType().Name.Replace("Mqtt", string.Empty, StringComparison.Ordinal)} not allowed here: connection closed");
                return false;
        }
    }

    private async ValueTask<bool> HandleConnectAsync(MqttConnectPacket connect, MqttPacketFormatterAdapter formatter)
    {
        var decision = await _handler.ConnectAsync(this, connect).ConfigureAwait(false);
        var connAck = ConnectProtocol.ConnAck(decision);
        if (decision.Reason != MqttConnectReasonCode.Success)
        {
            await _sender.SendAsync(connAck, formatter).ConfigureAwait(false);
            return false;
        }

        await _sender.SendAsync(connAck).ConfigureAwait(false);
        _connAckSent.TrySetResult();
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
            _handler.Reject(DeviceId!, BrokerRejectReasons.RetainNotSupported, "retained PUBLISH while Retain Available is 0: DISCONNECT 0x9A, nothing stored");
            await _sender.SendAsync(new MqttDisconnectPacket { ReasonCode = MqttDisconnectReasonCode.RetainNotSupported }).ConfigureAwait(false);
            return false;
        }

        var payload = publish.Payload;
        var bytes = payload.IsSingleSegment && MemoryMarshal.TryGetArray(payload.First, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();
        var (code, reasonString, close) = await _handler.PublishAsync(this, publish, bytes).ConfigureAwait(false);
        if (close)
        {
            // A refusal that carries a reason string (device_mismatch) is told to an MQTT 5 device in a PUBACK before
            // the close. MQTT 3.1.1's PUBACK has no reason code, and a plain one would read as "stored": closed
            // without it. Every other close (topic_not_allowed, qos_not_supported, a failed commit) sends nothing.
            if (reasonString is not null && ProtocolVersion == MqttProtocolVersion.V500 && publish.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtLeastOnce)
            {
                await _sender.SendAsync(new MqttPubAckPacket { PacketIdentifier = publish.PacketIdentifier, ReasonCode = code, ReasonString = reasonString }).ConfigureAwait(false);
            }

            return false;
        }

        if (publish.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtLeastOnce)
        {
            // Reused: only this loop sends PUBACKs, and the packet is read only while it is encoded.
            _pubAck.PacketIdentifier = publish.PacketIdentifier;
            _pubAck.ReasonCode = code;
            _pubAck.ReasonString = reasonString;
            await _sender.SendAsync(_pubAck).ConfigureAwait(false);
        }

        return true;
    }
}
