using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// One device listener (plain TCP, or TLS with the gateway's certificate) in place of MQTTnet's own, so that
/// every byte from a device passes <see cref="PacketSizeGuardStream"/> before MQTTnet parses it (MQTTnet 5.2
/// allocates whatever size a header announces). TLS is done here with <see cref="SslStream"/> (TLS 1.2/1.3),
/// the handshake bounded by a timeout so a silent client cannot hold a socket.
/// </summary>
public sealed class DeviceListenerAdapter : IMqttServerAdapter
{
    // The packet writer of each connection encodes what the gateway sends (CONNACK, PUBACK, SUBACK, downlinks): a few
    // bytes each. MQTTnet's own 4 KB start x 10,000 connections was ~40 MB of the gateway's RSS; the writer grows on
    // demand (doubling) and Cleanup() shrinks it back to the retained maximum after a large downlink.
    internal const int InitialWriteBufferBytes = 128;
    internal const int MaxRetainedWriteBufferBytes = 4096;

    private readonly IPEndPoint _endpoint;
    private readonly X509Certificate2? _certificate;
    private readonly int _maxPacketBytes;
    private readonly TimeSpan _handshakeTimeout;
    private readonly Action<EndPoint?, long> _onTooLarge;
    private readonly Action<EndPoint?, string> _onTlsFailure;
    private readonly CancellationTokenSource _stopping = new();
    private TcpListener? _listener;
    private Task? _acceptLoop;
    private IMqttNetLogger? _logger;

    public DeviceListenerAdapter(IPEndPoint endpoint, X509Certificate2? certificate, int maxPacketBytes, TimeSpan handshakeTimeout,
        Action<EndPoint?, long> onTooLarge, Action<EndPoint?, string> onTlsFailure)
    {
        _endpoint = endpoint;
        _certificate = certificate;
        _maxPacketBytes = maxPacketBytes;
        _handshakeTimeout = handshakeTimeout;
        _onTooLarge = onTooLarge;
        _onTlsFailure = onTlsFailure;
    }

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    public bool IsTls => _certificate is not null;

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        _logger = logger;
        _listener = new TcpListener(_endpoint);
        _listener.Start(backlog: 512);
        _acceptLoop = Task.Run(AcceptLoopAsync);
        return Task.CompletedTask;
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener?.Stop();
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
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

            _ = Task.Run(() => HandleAsync(socket));
        }
    }

    private async Task HandleAsync(Socket socket)
    {
        var remote = socket.RemoteEndPoint;
        socket.NoDelay = true;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            if (_certificate is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                timeout.CancelAfter(_handshakeTimeout);
                try
                {
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificate = _certificate,
                        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        ClientCertificateRequired = false,
                    }, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is AuthenticationException or IOException or OperationCanceledException)
                {
                    _onTlsFailure(remote, exception is OperationCanceledException ? "no TLS handshake within the timeout" : exception.Message);
                    await stream.DisposeAsync().ConfigureAwait(false);
                    return;
                }
            }

            var guarded = new PacketSizeGuardStream(stream, _maxPacketBytes, size => _onTooLarge(remote, size));
            // MQTTnet 5.2: (stream, local, remote, certificate). The remote end point is what ValidatingConnectionAsync
            // sees, and the connect guard limits failed logins per remote address.
            var channel = new MqttTcpChannel(guarded, socket.LocalEndPoint, remote, null);
            var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(InitialWriteBufferBytes, MaxRetainedWriteBufferBytes));
            using var adapter = new MqttChannelAdapter(channel, formatter, _logger!);
            var handler = ClientHandler;
            if (handler is not null)
            {
                await handler(adapter).ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // MQTTnet logs and counts protocol failures itself (through the gateway's log bridge); a failure of one
            // connection must never reach the accept loop.
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
