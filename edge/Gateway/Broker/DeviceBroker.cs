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
using Eldercare.Firmware.Core.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// The embedded broker's device listener (<c>Gateway:Mqtt:Engine=Lean</c>, the default): devices connect, log in
/// and publish; each QoS 1 PUBLISH is stored (fsync) before its PUBACK, as with MQTTnet's server, whose packet
/// formatter still encodes and decodes every packet. What it leaves out is what the gateway does not use: routing
/// between clients, retained messages, persistent sessions and per-client queues, which MQTTnet's server keeps
/// for every connection (~9 KB and several objects per packet, measured: edge/README.md "Performance").
/// </summary>
public sealed class DeviceBroker : IHostedService, IAsyncDisposable
{
    private readonly MqttOptions _options;
    private readonly DeviceAuthenticator _authenticator;
    private readonly EventIngestor _ingestor;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<DeviceBroker> _logger;
    private readonly ConnectRateLimiter _connectLimiter;
    private readonly X509Certificate2? _certificate;
    private readonly ConcurrentDictionary<DeviceConnection, byte> _connections = new();
    private readonly ConcurrentDictionary<string, DeviceConnection> _byClientId = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<(TcpListener Listener, bool Tls)> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private Timer? _sweeper;

    public DeviceBroker(MqttOptions options, DeviceAuthenticator authenticator, EventIngestor ingestor, GatewayMetrics metrics, ILogger<DeviceBroker> logger, TimeProvider time)
    {
        _options = options;
        _authenticator = authenticator;
        _ingestor = ingestor;
        _metrics = metrics;
        _logger = logger;
        _connectLimiter = new ConnectRateLimiter(options.ConnectLimitPerWindow, TimeSpan.FromSeconds(options.ConnectWindowSeconds), time);
        if (options.TlsPort != 0)
        {
            _certificate = X509CertificateLoader.LoadPkcs12FromFile(options.TlsCertificatePath!, options.TlsCertificatePassword);
        }

        _authenticator.Replaced += OnRegistryReplaced;
    }

    /// <summary>The name .NET gives its socket engine (epoll) threads on Linux.</summary>
    internal const string SocketEngineThreadName = ".NET Sockets";

    internal int MaxPacketBytes => _options.MaxPacketBytes;

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
        _sweeper = new Timer(_ => Sweep(connectTimeoutMs), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
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
        var now = Environment.TickCount64;
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

    internal void ReportTooLarge(string remote, string? deviceId, long announcedBytes) =>
        _ingestor.ReportRejected(remote, BrokerRejectReasons.PacketTooLarge,
            $"packet of {announcedBytes} bytes announced{(deviceId is null ? string.Empty : $" by {deviceId}")}, limit {_options.MaxPacketBytes}: connection closed");

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

        _ingestor.SessionStarted(connection.DeviceId!);
        _metrics.CountConnectionAccepted();
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
        var who = connect.Username ?? connect.ClientId ?? connection.Remote;
        if (!_connectLimiter.TryAcquire(who, out var firstRefusal))
        {
            // Counted every time, logged once per window: a flood must not flood the log too.
            if (firstRefusal)
            {
                _ingestor.ReportRejected(who, BrokerRejectReasons.ConnectRateLimited,
                    $"more than {_options.ConnectLimitPerWindow} connects in {_options.ConnectWindowSeconds} s (further refusals this window counted, not logged)");
            }
            else
            {
                _metrics.CountRejected(BrokerRejectReasons.ConnectRateLimited);
            }

            return MqttConnectReasonCode.QuotaExceeded;
        }

        var password = connect.Password is null ? null : Encoding.UTF8.GetString(connect.Password);
        var result = await _authenticator.AuthenticateAsync(connect.ClientId, connect.Username, password, _stopping.Token).ConfigureAwait(false);
        if (!result.Ok)
        {
            // The detail never contains the presented password.
            _ingestor.ReportRejected(connect.Username ?? connect.ClientId ?? connection.Remote, result.Reason!, result.Detail!);
            return result.Reason == RejectReasons.BadCredentials && _authenticator.TryGetDevice(connect.Username ?? string.Empty, out var d) && !d.Enabled
                ? MqttConnectReasonCode.NotAuthorized
                : MqttConnectReasonCode.BadUserNameOrPassword;
        }

        return string.IsNullOrEmpty(connect.ClientId) ? MqttConnectReasonCode.ClientIdentifierNotValid : MqttConnectReasonCode.Success;
    }

    /// <returns>The PUBACK's reason code (MQTT 5; 3.1.1 has none), its reason string, and whether to close instead.</returns>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<(MqttPubAckReasonCode Code, string? ReasonString, bool Close)> PublishAsync(
        DeviceConnection connection, string? topic, MqttQualityOfServiceLevel qos, ushort topicAlias, byte[] payload)
    {
        var deviceId = connection.DeviceId!;
        if (qos == MqttQualityOfServiceLevel.ExactlyOnce)
        {
            // Wire format v1 is QoS 1 only (dedup by event id does what QoS 2 would, without its extra round
            // trip). MQTT 5 3.3.1.2: a publish above the server's Maximum QoS is a protocol error -> disconnect;
            // for 3.1.1 there is no other way to refuse it. No PUBREC, nothing stored.
            _ingestor.ReportRejected(deviceId, BrokerRejectReasons.QosNotSupported, $"QoS 2 publish to '{Shorten(topic)}': only QoS 1 is supported");
            return (MqttPubAckReasonCode.ImplementationSpecificError, null, true);
        }

        if (topicAlias != 0)
        {
            // CONNACK said Topic Alias Maximum 0 (MQTT 5 3.3.2.3.4: an alias above it is a protocol error).
            ReportProtocolError(deviceId, "topic alias used, none allowed: connection closed");
            return (MqttPubAckReasonCode.ImplementationSpecificError, null, true);
        }

        var kind = TopicAcl.ClassifyPublish(deviceId, topic ?? string.Empty);
        if (kind == TopicKind.NotAllowed)
        {
            // Wire format: a publish to another device's topic closes the connection (no PUBACK).
            _ingestor.ReportRejected(deviceId, RejectReasons.TopicNotAllowed, $"publish to '{Shorten(topic)}'");
            return (MqttPubAckReasonCode.NotAuthorized, null, true);
        }

        if (kind == TopicKind.Status)
        {
            // online/offline presence: acknowledged; device health (last will -> offline alarm) comes later.
            return (MqttPubAckReasonCode.Success, null, false);
        }

        var result = await _ingestor.IngestAsync(deviceId, payload, _stopping.Token).ConfigureAwait(false);
        return result.Outcome switch
        {
            IngestOutcome.Stored or IngestOutcome.Duplicate => (MqttPubAckReasonCode.Success, null, false),
            // MQTT 5 tells the device why. MQTT 3.1.1 has no PUBACK reason code, so the device sees a plain PUBACK:
            // the bad event is acknowledged and dropped. It can never become valid, and refusing the ack would make
            // the device resend it forever and jam its outbox. Another device's event is spoofing: closed.
            IngestOutcome.Rejected when result.Reason == RejectReasons.DeviceMismatch => (MqttPubAckReasonCode.NotAuthorized, result.Reason, true),
            IngestOutcome.Rejected => (MqttPubAckReasonCode.PayloadFormatInvalid, result.Reason, false),
            // Not durable: no PUBACK at all, the device keeps the event and resends after reconnecting.
            _ => (MqttPubAckReasonCode.UnspecifiedError, null, true),
        };
    }

    internal MqttSubAckPacket Subscribe(DeviceConnection connection, MqttSubscribePacket subscribe)
    {
        var deviceId = connection.DeviceId!;
        var codes = new List<MqttSubscribeReasonCode>(subscribe.TopicFilters.Count);
        foreach (var filter in subscribe.TopicFilters)
        {
            if (!TopicAcl.MaySubscribe(deviceId, filter.Topic))
            {
                _ingestor.ReportRejected(deviceId, RejectReasons.TopicNotAllowed, $"subscribe to '{Shorten(filter.Topic)}'");
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

    private static string Shorten(string? text) => text is null ? string.Empty : text.Length <= 80 ? text : text[..80] + "...";
}
