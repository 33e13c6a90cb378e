using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Ingest;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Registry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// The default broker: MQTTnet's server in-process. Uplink events are persisted inside
/// <c>InterceptingPublishAsync</c>, and MQTTnet 5.2 sends the QoS 1 PUBACK only after that handler
/// completes (measured, DESIGN.md), so the device's PUBACK follows the store's fsync. Events are not
/// routed to subscribers (<c>ProcessPublish = false</c>): durability never rests on a subscription.
/// </summary>
public sealed class EmbeddedBroker : IHostedService, IAsyncDisposable
{
    private const string DeviceItemKey = "eldercare.device";

    private readonly MqttOptions _options;
    private readonly DeviceAuthenticator _authenticator;
    private readonly EventIngestor _ingestor;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<EmbeddedBroker> _logger;
    private readonly MqttServer _server;
    private readonly DevicePolicy _policy;
    private readonly X509Certificate2? _certificate;

    public EmbeddedBroker(MqttOptions options, DeviceAuthenticator authenticator, EventIngestor ingestor, GatewayMetrics metrics, ILogger<EmbeddedBroker> logger, TimeProvider time)
    {
        _options = options;
        _authenticator = authenticator;
        _ingestor = ingestor;
        _metrics = metrics;
        _logger = logger;
        _policy = new DevicePolicy(options, authenticator, ingestor, metrics, time);

        var serverOptions = new MqttServerOptionsBuilder()
            // The listeners are ours (DeviceListenerAdapter below): MQTTnet's would let a header announce 256 MB.
            .WithoutDefaultEndpoint()
            .WithoutEncryptedEndpoint()
            // Bounds the time from accept to CONNECT (and every later read of a started packet).
            .WithDefaultCommunicationTimeout(TimeSpan.FromSeconds(options.ConnectTimeoutSeconds))
            // Offline devices keep their session: queued downlinks and QoS 1 redelivery on reconnect.
            .WithPersistentSessions()
            // MQTTnet's default queue (1000, drop oldest) lost 25-55% of a burst (DESIGN.md); drops are counted below.
            .WithMaxPendingMessagesPerClient(options.MaxPendingMessagesPerClient)
            .Build();
        var address = IPAddress.Parse(options.BindAddress);
        var handshake = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds);
        var listeners = new List<IMqttServerAdapter>();
        if (options.PlainEnabled)
        {
            listeners.Add(new DeviceListenerAdapter(new IPEndPoint(address, options.Port), null, options.MaxPacketBytes, handshake, OnTooLarge, OnTlsFailure));
        }

        if (options.TlsPort != 0)
        {
            _certificate = X509CertificateLoader.LoadPkcs12FromFile(options.TlsCertificatePath!, options.TlsCertificatePassword);
            listeners.Add(new DeviceListenerAdapter(new IPEndPoint(address, options.TlsPort), _certificate, options.MaxPacketBytes, handshake, OnTooLarge, OnTlsFailure));
        }

        var bridge = new MqttNetLogBridge(logger, (who, detail) => _ingestor.ReportRejected(who, BrokerRejectReasons.ProtocolError, detail));
        _server = new MqttServerFactory(bridge).CreateMqttServer(serverOptions, listeners);
        _server.ValidatingConnectionAsync += ValidateConnectionAsync;
        _server.InterceptingPublishAsync += InterceptPublishAsync;
        _server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        _server.QueuedApplicationMessageOverwrittenAsync += OnQueueOverflowAsync;
        _authenticator.Replaced += OnRegistryReplaced;
    }

    /// <summary>The server, for downlinks (InjectApplicationMessage) and device-health hooks.</summary>
    public MqttServer Server => _server;

    public Task StartAsync(CancellationToken cancellationToken) => _server.StartAsync();

    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(new MqttServerStopOptions());

    public ValueTask DisposeAsync()
    {
        _authenticator.Replaced -= OnRegistryReplaced;
        _server.Dispose();
        _certificate?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Disconnects every connected device that the new registry disables or no longer lists.</summary>
    public async Task<int> DisconnectRevokedAsync()
    {
        var revoked = 0;
        foreach (var client in await _server.GetClientsAsync().ConfigureAwait(false))
        {
            if (_authenticator.TryGetDevice(client.Id, out var device) && device.Enabled)
            {
                continue;
            }

            _ingestor.ReportRejected(client.Id, BrokerRejectReasons.DeviceRevoked, "disabled or removed in the registry: disconnected");
            await client.DisconnectAsync(new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.NotAuthorized }).ConfigureAwait(false);
            revoked++;
        }

        return revoked;
    }

    private void OnRegistryReplaced(object? sender, EventArgs e)
    {
        if (!_server.IsStarted)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await DisconnectRevokedAsync().ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                _logger.LogWarning("could not disconnect revoked devices: {Error}", exception.Message);
            }
        });
    }

    private void OnTooLarge(EndPoint? remote, long announcedBytes) =>
        _ingestor.ReportRejected(remote?.ToString() ?? "?", BrokerRejectReasons.PacketTooLarge,
            $"packet of {announcedBytes} bytes announced, limit {_options.MaxPacketBytes}: connection closed");

    private void OnTlsFailure(EndPoint? remote, string detail) =>
        _ingestor.ReportRejected(remote?.ToString() ?? "?", BrokerRejectReasons.TlsHandshakeFailed, detail);

    private async Task ValidateConnectionAsync(ValidatingConnectionEventArgs args)
    {
        // The peer's address keys the connect guard (failed logins are limited per address, DevicePolicy).
        args.ReasonCode = await _policy.ValidateConnectAsync(args.ClientId, args.UserName, args.Password, args.RemoteEndPoint?.ToString() ?? "?", args.CancellationToken).ConfigureAwait(false);
        if (args.ReasonCode == MqttConnectReasonCode.Success)
        {
            args.SessionItems[DeviceItemKey] = args.UserName;
            _policy.Connected(args.UserName!);
        }
    }

    private async Task InterceptPublishAsync(InterceptingPublishEventArgs args)
    {
        args.ProcessPublish = false;
        var (code, reasonString, close) = await _policy.PublishAsync(
            args.UserName ?? args.ClientId, args.ApplicationMessage.Topic, args.ApplicationMessage.QualityOfServiceLevel,
            args.ApplicationMessage.Payload.ToArray(), args.CancellationToken).ConfigureAwait(false);
        args.Response.ReasonCode = code;
        args.Response.ReasonString = reasonString;
        args.CloseConnection = close;
    }

    private Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs args)
    {
        if (!_policy.MaySubscribe(args.UserName ?? args.ClientId, args.TopicFilter.Topic))
        {
            args.ProcessSubscription = false;
            args.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        }

        return Task.CompletedTask;
    }

    private Task OnQueueOverflowAsync(QueueMessageOverwrittenEventArgs args)
    {
        _metrics.CountDownlinkDropped();
        _logger.LogWarning("downlink dropped for {Device}: pending queue full ({Limit})", args.ReceiverClientId, _options.MaxPendingMessagesPerClient);
        return Task.CompletedTask;
    }
}
