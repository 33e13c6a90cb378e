using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Eldercare.Edge.Gateway.Broker.Sessions;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Health;
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
/// The embedded broker's device listener: it accepts connections (plain and TLS), runs the clock that enforces keep
/// alive, the CONNECT deadline and session expiry, and disconnects devices the registry revokes. Each connection
/// (<see cref="DeviceConnection"/>) talks to one <see cref="DeviceSessionHandler"/>: logins, events stored (fsync)
/// before their PUBACK, sessions and downlinks (<see cref="DeviceSessions"/>). MQTTnet's packet formatter encodes and
/// decodes; what the gateway does not use (routing between clients, retained messages) is left out.
/// </summary>
public sealed class DeviceBroker : IHostedService, IAsyncDisposable
{
    private readonly MqttOptions _options;
    private readonly DeviceAuthenticator _authenticator;
    private readonly EventIngestor _ingestor;
    private readonly ILogger<DeviceBroker> _logger;
    private readonly DeviceSessionHandler _handler;
    private readonly DeviceSessions _sessions;
    private readonly X509Certificate2? _certificate;
    private readonly ConcurrentDictionary<DeviceConnection, byte> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<(TcpListener Listener, bool Tls)> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private ITimer? _sweeper;
    private readonly TimeProvider _time;

    public DeviceBroker(MqttOptions options, DeviceAuthenticator authenticator, EventIngestor ingestor, GatewayMetrics metrics, DeviceSessions sessions, ILogger<DeviceBroker> logger, TimeProvider time, IDeviceActivity activity)
    {
        _options = options;
        _authenticator = authenticator;
        _ingestor = ingestor;
        _logger = logger;
        _time = time;
        _sessions = sessions;
        _handler = new DeviceSessionHandler(options, new DevicePolicy(options, authenticator, ingestor, metrics, time), sessions, ingestor, logger, time, activity, _stopping.Token);
        if (options.TlsPort != 0)
        {
            _certificate = X509CertificateLoader.LoadPkcs12FromFile(options.TlsCertificatePath!, options.TlsCertificatePassword);
        }

        _authenticator.Replaced += OnRegistryReplaced;
    }

    /// <summary>The name .NET gives its socket engine (epoll) threads on Linux.</summary>
    internal const string SocketEngineThreadName = ".NET Sockets";

    /// <summary>Null while every listener's accept loop runs, else why not (the systemd watchdog's broker check).</summary>
    public string? AcceptLoopProblem()
    {
        var loops = _acceptLoops.ToArray();
        if (loops.Length == 0)
        {
            return "no listener started";
        }

        return loops.Any(loop => loop.IsCompleted) ? "an accept loop has ended" : null;
    }

    /// <summary>Devices connected and logged in now.</summary>
    public int ConnectedDevices => _handler.LoggedIn.Count;

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
        foreach (var connection in _handler.LoggedIn)
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
            var connection = new DeviceConnection(_handler, socket, certificate);
            _connections.TryAdd(connection, 0);
            connection.Start();
            _ = connection.Completion.ContinueWith(_ => Forget(connection), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void Sweep(long connectTimeoutMs)
    {
        var now = _handler.NowMilliseconds;
        foreach (var connection in _connections.Keys)
        {
            connection.CheckTimeouts(now, connectTimeoutMs);
        }

        _sessions.ExpireSessions();
    }

    private void OnRegistryReplaced(object? sender, EventArgs e)
    {
        if (!_stopping.IsCancellationRequested)
        {
            DisconnectRevoked();
        }
    }

    /// <summary>A connection ended: it leaves the set the sweeper checks (its session was told by the handler).</summary>
    private void Forget(DeviceConnection connection) => _connections.TryRemove(connection, out _);
}
