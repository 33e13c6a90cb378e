using System.Buffers;
using System.Threading.Channels;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Health;
using Eldercare.Edge.Gateway.Ingest;
using Eldercare.Firmware.Core.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// External-broker mode: the gateway is a persistent-session MQTT client of mosquitto
/// (clean start off, fixed client id, session that never expires) and subscribes to every device's
/// events with QoS 1 and manual acknowledgement. The gateway's PUBACK to the broker goes out only
/// after the store committed, so an event the broker holds is not lost if the gateway dies. But the
/// device's PUBACK comes from mosquitto before the gateway stored anything (edge/README.md).
/// MQTTnet calls the handler one message at a time; the handler only starts the store append and
/// queues the acknowledgement, and one pump acknowledges in arrival order (MQTT 3.1.1 4.6: PUBACKs in
/// the order the PUBLISHes came), so appends from many devices share one group commit. One device's
/// events are ingested one after another (<see cref="PerDeviceSequencer{T}"/>), as a connection's are on the
/// embedded broker.
/// </summary>
public sealed class ExternalBrokerIngest : BackgroundService
{
    /// <summary>Every device's events (the core's topic with the single-level wildcard for the id).</summary>
    public static readonly string EventsFilter = Topics.Events(Topics.AnyDevice);

    private readonly MqttOptions _options;
    private readonly EventIngestor _ingestor;
    private readonly ILogger<ExternalBrokerIngest> _logger;
    private readonly IMqttClient _client;
    private readonly Channel<PendingAck> _acks = 
        // Bounded: when the store falls behind, the handler waits, MQTTnet stops reading the socket and
        // mosquitto keeps the rest queued in the gateway's session (backpressure, not memory growth).
        Channel.CreateBounded<PendingAck>(new BoundedChannelOptions(10_000) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly TaskCompletionSource _firstSubscribe = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PerDeviceSequencer<IngestResult> _deviceOrder = new();
    private readonly IDeviceActivity _activity;

    /// <param name="activity">Device health: each device's events (mosquitto holds the connections, so no last will
    /// reaches the gateway in this mode; the heartbeat timeout does).</param>
    public ExternalBrokerIngest(MqttOptions options, EventIngestor ingestor, ILogger<ExternalBrokerIngest> logger, IDeviceActivity activity)
    {
        _activity = activity;
        _options = options;
        _ingestor = ingestor;
        _logger = logger;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    /// <summary>
    /// Publishes a downlink at QoS 1 on the device's command topic and returns mosquitto's PUBACK reason: success, or
    /// no matching subscribers (no session of the device holds a subscription) (<see cref="ExternalDownlinks"/>); throws
    /// <see cref="DownlinkUnavailableException"/> without a connection, a PUBACK, or for any other reason.
    /// </summary>
    public async Task<MqttClientPublishReasonCode> PublishCommandAsync(string deviceId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            throw new DownlinkUnavailableException($"not connected to the broker at {_options.ExternalHost}:{_options.ExternalPort}");
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Commands(deviceId))
            .WithPayload(payload.ToArray())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        MqttClientPublishResult result;
        try
        {
            result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            throw new DownlinkUnavailableException($"publish to the broker failed: {exception.Message}", exception);
        }

        if (result.ReasonCode is not (MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers))
        {
            // e.g. NotAuthorized: the gateway's ACL entry lacks "topic write eldercare/v1/devices/+/commands". Kept and
            // retried (nothing lost) until the ACL is fixed; the warning says what to fix.
            throw new DownlinkUnavailableException($"broker answered {result.ReasonCode} to the downlink for {deviceId} (check the gateway's ACL entry)");
        }

        return result.ReasonCode;
    }

    /// <summary>Completes once the gateway is subscribed the first time (start-up waits on it).</summary>
    public Task Subscribed => _firstSubscribe.Task;

    /// <summary>Connected to the external broker now (/health/ready).</summary>
    public bool Connected => _client.IsConnected;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptions(), cancellationToken).ConfigureAwait(false);
        }

        _client.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pump = Task.Run(() => AcknowledgeInOrderAsync(stoppingToken), CancellationToken.None);
        var delay = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!_client.IsConnected)
                {
                    await ConnectAndSubscribeAsync(stoppingToken).ConfigureAwait(false);
                    delay = TimeSpan.FromMilliseconds(100);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                _logger.LogWarning("external broker {Host}:{Port} not reachable, retry in {Delay} ms: {Error}",
                    _options.ExternalHost, _options.ExternalPort, (int)delay.TotalMilliseconds, exception.Message);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(2000, delay.TotalMilliseconds * 2));
            }
        }

        _acks.Writer.TryComplete();
        await pump.ConfigureAwait(false);
    }

    private async Task ConnectAndSubscribeAsync(CancellationToken cancellationToken)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.ExternalHost, _options.ExternalPort)
            .WithClientId(_options.ExternalClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            // Persistent session: mosquitto queues events for the gateway while it is away and
            // redelivers what it sent but the gateway did not acknowledge.
            .WithCleanStart(false)
            .WithSessionExpiryInterval(uint.MaxValue)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15));
        if (!string.IsNullOrEmpty(_options.ExternalUsername))
        {
            builder = builder.WithCredentials(_options.ExternalUsername, _options.ExternalPassword ?? string.Empty);
        }

        var result = await _client.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"broker refused the gateway: {result.ResultCode} {result.ReasonString}");
        }

        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(EventsFilter, MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var granted = await _client.SubscribeAsync(subscribe, cancellationToken).ConfigureAwait(false);
        var code = granted.Items.First().ResultCode;
        if (code != MqttClientSubscribeResultCode.GrantedQoS1)
        {
            throw new InvalidOperationException($"broker granted {code} for {EventsFilter} (check the gateway's ACL entry)");
        }

        _logger.LogInformation("subscribed to {Filter} on {Host}:{Port} (session present: {Present})",
            EventsFilter, _options.ExternalHost, _options.ExternalPort, result.IsSessionPresent);
        _firstSubscribe.TrySetResult();
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        args.AutoAcknowledge = false;
        var topic = args.ApplicationMessage.Topic;
        Task<IngestResult> ingest;
        if (!TopicAcl.TryParseEventsTopic(topic, out var deviceId))
        {
            _ingestor.ReportRejected("?", RejectReasons.TopicNotAllowed, $"message on '{topic}'");
            ingest = Task.FromResult(new IngestResult(IngestOutcome.Rejected, null, RejectReasons.TopicNotAllowed, topic));
        }
        else
        {
            // One device's events are ingested one after another (store order = arrival order per device);
            // different devices' events still share group commits.
            var payload = args.ApplicationMessage.Payload.ToArray();
            _activity.EventReceived(deviceId);
            ingest = _deviceOrder.Run(deviceId, () => _ingestor.IngestAsync(deviceId, payload, CancellationToken.None));
        }

        await _acks.Writer.WriteAsync(new PendingAck(args, ingest)).ConfigureAwait(false);
    }

    private async Task AcknowledgeInOrderAsync(CancellationToken stoppingToken)
    {
        await foreach (var pending in _acks.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var result = await pending.Ingest.ConfigureAwait(false);
            if (result.Outcome == IngestOutcome.StoreFailed)
            {
                // Not durable: leave it unacknowledged and drop the link, so the broker redelivers it from
                // the persistent session after the reconnect.
                _logger.LogError("store failed, reconnecting to get {Id} redelivered", result.EventId);
                await SafeDisconnectAsync().ConfigureAwait(false);
                continue;
            }

            try
            {
                // Stored, duplicate, or rejected for good (acknowledged and dropped: it can never become valid).
                await pending.Message.AcknowledgeAsync(stoppingToken.IsCancellationRequested ? CancellationToken.None : stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                // Link lost: the broker redelivers; the store deduplicates the second copy.
                _logger.LogDebug("acknowledge failed: {Error}", exception.Message);
            }
        }
    }

    private async Task SafeDisconnectAsync()
    {
        try
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptions()).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            _logger.LogDebug("disconnect failed: {Error}", exception.Message);
        }
    }

    private sealed record PendingAck(MqttApplicationMessageReceivedEventArgs Message, Task<IngestResult> Ingest);
}
