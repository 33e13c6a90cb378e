using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Ingest;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Registry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// The embedded broker's device listener (<c>Gateway:Mqtt:Engine=Lean</c>, the default): devices connect, log in
/// and publish; each QoS 1 PUBLISH is stored (fsync) before its PUBACK, as with MQTTnet's server, whose packet
/// formatter still encodes and decodes every packet. What it leaves out is what the gateway does not use: routing
/// between clients, retained messages, persistent sessions and per-client queues, which MQTTnet's server keeps
/// for every connection (~9 KB and several objects per packet, measured: bench/README.md "Gateway performance journal").
/// </summary>
public sealed class DeviceBroker : IHostedService, IAsyncDisposable
{
    private readonly MqttOptions _options;
    private readonly DeviceAuthenticator _authenticator;
    private readonly EventIngestor _ingestor;
    private readonly ILogger<DeviceBroker> _logger;
    private readonly DevicePolicy _policy;
    private readonly X509Certificate2? _certificate;
    private readonly ConcurrentDictionary<DeviceConnection, byte> _connections = new();
    private readonly ConcurrentDictionary<string, DeviceConnection> _byClientId = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<(TcpListener Listener, bool Tls)> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private ITimer? _sweeper;
    private readonly TimeProvider _time;

    public DeviceBroker(MqttOptions options, DeviceAuthenticator authenticator, EventIngestor ingestor, GatewayMetrics metrics, ILogger<DeviceBroker> logger, TimeProvider time)
    {
        _options = options;
        _authenticator = authenticator;
        _ingestor = ingestor;
        _logger = logger;
        _time = time;
        _policy = new DevicePolicy(options, authenticator, ingestor, metrics, time);
        if (options.TlsPort != 0)
        {
            _certificate = X509CertificateLoader.LoadPkcs12FromFile(options.TlsCertificatePath!, options.TlsCertificatePassword);
        }

        _authenticator.Replaced += OnRegistryReplaced;
    }

    /// <summary>The name .NET gives its socket engine (epoll) threads on Linux.</summary>
    internal const string SocketEngineThreadName = ".NET Sockets";

    internal int MaxPacketBytes => _options.MaxPacketBytes;

    /// <summary>Monotonic milliseconds of the broker's clock (connections stamp their reads with it).</summary>
    internal long NowMilliseconds => _time.GetTimestamp() * 1000 / _time.TimestampFrequency;

    internal TimeSpan ConnectTimeout => TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds);

    /// <summary>Devices connected and logged in now.</summary>
    public int ConnectedDevices => _byClientId.Count;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(_options.BindAddress);
        if (_options.PlainEnabled)
        {
            Listen(new IPEndPoint(address, _options.Port), tls: false);
        }

        if (_options.TlsPort != 0)
        {
            Listen(new IPEndPoint(address, _options.TlsPort), tls: true);
        }

        // The runtime's socket engine threads read and decode every device's packets (inline completions,
        // Program.cs), an SOS among them: above bulk work they take a ready socket sooner (storm: publish -> rx p99
        // ~61-65 -> 26-37 ms). They exist once the listeners' first accept is pending.
        if (_options.SocketThreadsNice != 0)
        {
            var (set, refused) = Hosting.ThreadNice.TrySetThreadsNamed(SocketEngineThreadName, _options.SocketThreadsNice);
            if (refused is not null || set == 0)
            {
                _logger.LogWarning("socket threads stay at the process's priority (nice {Nice}: {Set} set, {Reason})", _options.SocketThreadsNice, set, refused ?? "no socket engine thread found");
            }
        }

        var connectTimeoutMs = _options.ConnectTimeoutSeconds * 1000L;
        // On the injected clock: keep alive, the CONNECT deadline and stalled packets are tested by moving a fake one.
        _sweeper = _time.CreateTimer(_ => Sweep(connectTimeoutMs), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var (listener, _) in _listeners)
        {
            listener.Stop();
        }

        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        if (_sweeper is not null)
        {
            await _sweeper.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var connection in _connections.Keys)
        {
            connection.Abort();
        }

        try
        {
            await Task.WhenAll(_connections.Keys.Select(c => c.Completion)).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            _logger.LogWarning("{Count} device connections still closing at shutdown", _connections.Count);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _authenticator.Replaced -= OnRegistryReplaced;
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            foreach (var (listener, _) in _listeners)
            {
                listener.Stop();
            }

            foreach (var connection in _connections.Keys)
            {
                connection.Abort();
            }
        }

        if (_sweeper is not null)
        {
            await _sweeper.DisposeAsync().ConfigureAwait(false);
        }

        _certificate?.Dispose();
    }

    /// <summary>Disconnects every connected device that the registry now disables or no longer lists.</summary>
    public int DisconnectRevoked()
    {
        var revoked = 0;
        foreach (var (clientId, connection) in _byClientId)
        {
            if (_authenticator.TryGetDevice(connection.DeviceId!, out var device) && device.Enabled)
            {
                continue;
            }

            _ingestor.ReportRejected(connection.DeviceId!, BrokerRejectReasons.DeviceRevoked, "disabled or removed in the registry: disconnected");
            connection.Abort();
            revoked++;
        }

        return revoked;
    }

    private void Listen(IPEndPoint endpoint, bool tls)
    {
        var listener = new TcpListener(endpoint);
        listener.Start(backlog: 512);
        _listeners.Add((listener, tls));
        _acceptLoops.Add(Task.Run(() => AcceptLoopAsync(listener, tls ? _certificate : null)));
    }

    private async Task AcceptLoopAsync(TcpListener listener, X509Certificate2? certificate)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException && _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // One failed accept (client reset before accept) must not stop the listener.
                continue;
            }

            socket.NoDelay = true;
            var connection = new DeviceConnection(this, socket, certificate);
            _connections.TryAdd(connection, 0);
            connection.Start();
        }
    }

    private void Sweep(long connectTimeoutMs)
    {
        var now = NowMilliseconds;
        foreach (var connection in _connections.Keys)
        {
            connection.CheckTimeouts(now, connectTimeoutMs);
        }
    }

    private void OnRegistryReplaced(object? sender, EventArgs e)
    {
        if (!_stopping.IsCancellationRequested)
        {
            DisconnectRevoked();
        }
    }

    internal void ReportProtocolError(string who, string detail) => _ingestor.ReportRejected(who, BrokerRejectReasons.ProtocolError, detail);

    // Recorded against the device once it logged in (its own allowance of log lines), else against the address.
    internal void ReportTooLarge(string remote, string? deviceId, long announcedBytes) =>
        _ingestor.ReportRejected(deviceId ?? remote, BrokerRejectReasons.PacketTooLarge,
            $"packet of {announcedBytes} bytes announced{(deviceId is null ? string.Empty : $" by {deviceId} from {remote}")}, limit {_options.MaxPacketBytes}: connection closed");

    internal void ReportRetainNotSupported(string who, string detail) => _ingestor.ReportRejected(who, BrokerRejectReasons.RetainNotSupported, detail);

    internal void ReportTlsFailure(string remote, string detail) => _ingestor.ReportRejected(remote, BrokerRejectReasons.TlsHandshakeFailed, detail);

    internal void KeepAliveExpired(DeviceConnection connection) =>
        _logger.LogInformation("{Device}: no packet within 1.5 keep alive periods, connection closed", connection.DeviceId);

    internal void Connected(DeviceConnection connection)
    {
        DeviceConnection? previous = null;
        _byClientId.AddOrUpdate(connection.ClientId!, connection, (_, old) =>
        {
            previous = old;
            return connection;
        });

        // MQTT 3.1.4-3: a second connection with the same client id takes over; the first is closed.
        if (previous is not null && !ReferenceEquals(previous, connection))
        {
            previous.Abort();
        }

        _policy.Connected(connection.DeviceId!);
    }

    internal void Closed(DeviceConnection connection)
    {
        _connections.TryRemove(connection, out _);
        if (connection.ClientId is not null)
        {
            _byClientId.TryRemove(new KeyValuePair<string, DeviceConnection>(connection.ClientId, connection));
        }
    }

    internal async ValueTask<MqttConnectReasonCode> ValidateConnectAsync(DeviceConnection connection, MqttConnectPacket connect)
    {
        var password = connect.Password is null ? null : Encoding.UTF8.GetString(connect.Password);
        var reason = await _policy.ValidateConnectAsync(connect.ClientId, connect.Username, password, connection.Remote, _stopping.Token).ConfigureAwait(false);
        if (reason != MqttConnectReasonCode.Success)
        {
            return reason;
        }

        if (string.IsNullOrEmpty(connect.ClientId))
        {
            return MqttConnectReasonCode.ClientIdentifierNotValid;
        }

        if (connect.WillFlag && connect.WillRetain && connection.ProtocolVersion == MqttProtocolVersion.V500)
        {
            // MQTT 5 3.2.2.3.5: with Retain Available 0 a CONNECT whose will is retained is refused with CONNACK 0x9A.
            // Checked after the login, so the log names the device (and a reconnect loop meets the connect limit).
            ReportRetainNotSupported(connect.Username!, "CONNECT with a retained will while Retain Available is 0: CONNACK 0x9A");
            return MqttConnectReasonCode.RetainNotSupported;
        }

        return reason;
    }

    /// <returns>The PUBACK's reason code (MQTT 5; 3.1.1 has none), its reason string, and whether to close instead.</returns>
    // Not async: it hands back the policy's task (one state machine less per event on the heap).
    internal ValueTask<(MqttPubAckReasonCode Code, string? ReasonString, bool Close)> PublishAsync(
        DeviceConnection connection, string? topic, MqttQualityOfServiceLevel qos, ushort topicAlias, byte[] payload)
    {
        if (topicAlias != 0 && qos != MqttQualityOfServiceLevel.ExactlyOnce)
        {
            // CONNACK said Topic Alias Maximum 0 (MQTT 5 3.3.2.3.4: an alias above it is a protocol error).
            ReportProtocolError(connection.DeviceId!, "topic alias used, none allowed: connection closed");
            return ValueTask.FromResult<(MqttPubAckReasonCode, string?, bool)>((MqttPubAckReasonCode.ImplementationSpecificError, null, true));
        }

        return _policy.PublishAsync(connection.DeviceId!, topic, qos, payload, _stopping.Token);
    }

    internal MqttSubAckPacket Subscribe(DeviceConnection connection, MqttSubscribePacket subscribe)
    {
        var deviceId = connection.DeviceId!;
        var codes = new List<MqttSubscribeReasonCode>(subscribe.TopicFilters.Count);
        foreach (var filter in subscribe.TopicFilters)
        {
            if (!_policy.MaySubscribe(deviceId, filter.Topic))
            {
                codes.Add(MqttSubscribeReasonCode.NotAuthorized);
            }
            else
            {
                // Granted at most QoS 1 (what the CONNACK announced); downlinks will use the device's own topics.
                codes.Add(filter.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce ? MqttSubscribeReasonCode.GrantedQoS0 : MqttSubscribeReasonCode.GrantedQoS1);
            }
        }

        return new MqttSubAckPacket { PacketIdentifier = subscribe.PacketIdentifier, ReasonCodes = codes };
    }
}
