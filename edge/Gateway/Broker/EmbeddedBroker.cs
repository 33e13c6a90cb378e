using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Ingest;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.Firmware.Core.Events;
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
    private readonly ConnectRateLimiter _connectLimiter;
    private readonly X509Certificate2? _certificate;

    public EmbeddedBroker(MqttOptions options, DeviceAuthenticator authenticator, EventIngestor ingestor, GatewayMetrics metrics, ILogger<EmbeddedBroker> logger, TimeProvider time)
    {
        _options = options;
        _authenticator = authenticator;
        _ingestor = ingestor;
        _metrics = metrics;
        _logger = logger;
        _connectLimiter = new ConnectRateLimiter(options.ConnectLimitPerWindow, TimeSpan.FromSeconds(options.ConnectWindowSeconds), time);

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
        var who = args.UserName ?? args.ClientId ?? "?";
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

            args.ReasonCode = MqttConnectReasonCode.QuotaExceeded;
            return;
        }

        var result = await _authenticator.AuthenticateAsync(args.ClientId, args.UserName, args.Password, args.CancellationToken).ConfigureAwait(false);
        if (!result.Ok)
        {
            // The detail never contains the presented password.
            _ingestor.ReportRejected(args.UserName ?? args.ClientId ?? "?", result.Reason!, result.Detail!);
            args.ReasonCode = result.Reason == RejectReasons.BadCredentials && _authenticator.TryGetDevice(args.UserName ?? string.Empty, out var d) && !d.Enabled
                ? MqttConnectReasonCode.NotAuthorized
                : MqttConnectReasonCode.BadUserNameOrPassword;
            return;
        }

        args.SessionItems[DeviceItemKey] = args.UserName;
        _ingestor.SessionStarted(args.UserName!);
        _metrics.CountConnectionAccepted();
    }

    private async Task InterceptPublishAsync(InterceptingPublishEventArgs args)
    {
        args.ProcessPublish = false;
        var deviceId = args.UserName ?? args.ClientId;
        var topic = args.ApplicationMessage.Topic;
        if (args.ApplicationMessage.QualityOfServiceLevel == MqttQualityOfServiceLevel.ExactlyOnce)
        {
            // Wire format v1 is QoS 1 only (dedup by event id does what QoS 2 would, without its extra round
            // trip). MQTT 5 3.3.1.2: a publish above the server's Maximum QoS is a protocol error -> disconnect;
            // for 3.1.1 there is no other way to refuse it. No PUBREC, nothing stored.
            _ingestor.ReportRejected(deviceId, BrokerRejectReasons.QosNotSupported, $"QoS 2 publish to '{Shorten(topic)}': only QoS 1 is supported");
            args.Response.ReasonCode = MqttPubAckReasonCode.ImplementationSpecificError;
            args.CloseConnection = true;
            return;
        }

        var kind = TopicAcl.ClassifyPublish(deviceId, topic);
        if (kind == TopicKind.NotAllowed)
        {
            // Wire format: a publish to another device's topic closes the connection (no PUBACK).
            _ingestor.ReportRejected(deviceId, RejectReasons.TopicNotAllowed, $"publish to '{Shorten(topic)}'");
            args.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            args.CloseConnection = true;
            return;
        }

        if (kind == TopicKind.Status)
        {
            // online/offline presence: acknowledged; device health (last will -> offline alarm) comes later.
            args.Response.ReasonCode = MqttPubAckReasonCode.Success;
            return;
        }

        var payload = args.ApplicationMessage.Payload.ToArray();
        var result = await _ingestor.IngestAsync(deviceId, payload, args.CancellationToken).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case IngestOutcome.Stored:
            case IngestOutcome.Duplicate:
                // Set explicitly: with no subscriber MQTTnet would answer NoMatchingSubscribers.
                args.Response.ReasonCode = MqttPubAckReasonCode.Success;
                break;
            case IngestOutcome.Rejected:
                // MQTT 5 tells the device why. MQTT 3.1.1 has no PUBACK reason code, so the device sees a
                // plain PUBACK: the bad event is acknowledged and dropped. It can never become valid, and
                // refusing the ack would make the device resend it forever and jam its outbox.
                args.Response.ReasonCode = result.Reason == RejectReasons.DeviceMismatch
                    ? MqttPubAckReasonCode.NotAuthorized
                    : MqttPubAckReasonCode.PayloadFormatInvalid;
                args.Response.ReasonString = result.Reason;
                if (result.Reason == RejectReasons.DeviceMismatch)
                {
                    // Publishing another device's event is spoofing, not a bug: same treatment as a foreign topic.
                    args.CloseConnection = true;
                }

                break;
            default:
                // Not durable: no PUBACK at all, the device keeps the event and resends after reconnecting.
                args.CloseConnection = true;
                break;
        }
    }

    private Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs args)
    {
        var deviceId = args.UserName ?? args.ClientId;
        if (!TopicAcl.MaySubscribe(deviceId, args.TopicFilter.Topic))
        {
            _ingestor.ReportRejected(deviceId, RejectReasons.TopicNotAllowed, $"subscribe to '{Shorten(args.TopicFilter.Topic)}'");
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

    private static string Shorten(string? text) => text is null ? string.Empty : text.Length <= 80 ? text : text[..80] + "...";
}
