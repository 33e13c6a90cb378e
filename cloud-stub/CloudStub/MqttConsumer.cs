using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading.Channels;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Eldercare.CloudStub;

/// <summary>
/// The consumer mode (cloud-stub/README.md "MQTT consumer"): subscribes at QoS 1 with a persistent session (clean start
/// off, fixed client id) to <see cref="Topics.PlatformEventsFilter"/> on the platform broker, takes each message's
/// event through the same <see cref="EventIntake"/> as <c>POST /api/v1/events</c> (checked, stored once by id), and
/// only then lets its PUBACK go (manual acknowledgement): what the broker holds for the stub is stored before the broker
/// forgets it. Messages are taken as they queue up, up to <see cref="MqttConsumerOptions.MaxInFlight"/> in one store
/// transaction, and acknowledged in arrival order.
/// </summary>
public sealed class MqttConsumer : BackgroundService
{
    private readonly MqttConsumerOptions _options;
    private readonly EventIntake _intake;
    private readonly StubCounters _counters;
    private readonly ILogger<MqttConsumer> _logger;
    private readonly IMqttClient _client;
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly X509Certificate2? _ca;
    private int _generation;

    public MqttConsumer(MqttConsumerOptions options, EventIntake intake, StubCounters counters, ILogger<MqttConsumer> logger)
    {
        _options = options;
        _intake = intake;
        _counters = counters;
        _logger = logger;
        _ca = string.IsNullOrWhiteSpace(options.TrustedCaPath) ? null : X509CertificateLoader.LoadCertificateFromFile(options.TrustedCaPath);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += args =>
        {
            // Acknowledged by the store loop once stored (or refused for good), never by the client on return.
            args.AutoAcknowledge = false;
            _received.Writer.TryWrite(new Received(args, Volatile.Read(ref _generation)));
            return Task.CompletedTask;
        };
    }

    /// <summary>Completes once subscribed the first time.</summary>
    public Task Subscribed => _subscribed.Task;

    /// <summary>Messages taken (stored, duplicate or refused) and acknowledged.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    private long _acknowledged;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var store = Task.Run(() => StoreLoopAsync(stoppingToken), CancellationToken.None);
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
                _logger.LogWarning("platform broker {Host}:{Port} not reachable, retry in {Delay} ms: {Error}", _options.Host, _options.Port, (int)delay.TotalMilliseconds, exception.Message);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(2000, delay.TotalMilliseconds * 2));
            }
        }

        _received.Writer.TryComplete();
        await store.ConfigureAwait(false);
        await SafeDisconnectAsync().ConfigureAwait(false);
    }

    public override void Dispose()
    {
        // Stop the loops first (the base cancels the stopping token), then the client they use.
        base.Dispose();
        _client.Dispose();
        _ca?.Dispose();
    }

    private async Task ConnectAndSubscribeAsync(CancellationToken cancellationToken)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithClientId(_options.ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)_options.SessionExpirySeconds)
            .WithReceiveMaximum((ushort)_options.MaxInFlight)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(5));
        if (!string.IsNullOrEmpty(_options.Username))
        {
            builder = builder.WithCredentials(_options.Username, _options.Password ?? string.Empty);
        }

        if (_options.UseTls)
        {
            builder = builder.WithTlsOptions(tls => tls.UseTls().WithTargetHost(_options.Host).WithCertificateValidationHandler(args => Trusted(args.Certificate, args.SslPolicyErrors)));
        }

        // Messages of an older connection are never acknowledged on this one (their packet ids mean other messages now).
        Interlocked.Increment(ref _generation);
        var result = await _client.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"platform broker refused the stub: {result.ResultCode} {result.ReasonString}");
        }

        var granted = await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Topics.PlatformEventsFilter, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken).ConfigureAwait(false);
        var code = granted.Items.First().ResultCode;
        if (code != MqttClientSubscribeResultCode.GrantedQoS1)
        {
            throw new InvalidOperationException($"platform broker granted {code} for {Topics.PlatformEventsFilter} (check the stub's ACL entry)");
        }

        _logger.LogInformation("consuming {Filter} on {Host}:{Port} as {ClientId} (session present: {Present})", Topics.PlatformEventsFilter, _options.Host, _options.Port, _options.ClientId, result.IsSessionPresent);
        _subscribed.TrySetResult();
    }

    private bool Trusted(System.Security.Cryptography.X509Certificates.X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || _ca is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(presented);
    }

    private async Task StoreLoopAsync(CancellationToken stoppingToken)
    {
        var reader = _received.Reader;
        var taken = new List<Received>(_options.MaxInFlight);
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            taken.Clear();
            while (taken.Count < _options.MaxInFlight && reader.TryRead(out var next))
            {
                taken.Add(next);
            }

            try
            {
                await StoreAsync(taken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Not stored: no PUBACK; drop the link so the broker sends them again from the session.
                _logger.LogError("store failed for {Count} messages, reconnecting to have them sent again: {Error}", taken.Count, exception.Message);
                await SafeDisconnectAsync().ConfigureAwait(false);
                continue;
            }

            var generation = Volatile.Read(ref _generation);
            foreach (var message in taken)
            {
                if (message.Generation != generation)
                {
                    continue;
                }

                try
                {
                    await message.Args.AcknowledgeAsync(stoppingToken.IsCancellationRequested ? CancellationToken.None : stoppingToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _acknowledged);
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    // Link lost: the broker sends it again; the store keeps one copy.
                    _logger.LogDebug("acknowledge failed: {Error}", exception.Message);
                }
            }
        }
    }

    /// <summary>Parses each message, then stores runs of one gateway's events in arrival order.</summary>
    private async Task StoreAsync(List<Received> taken)
    {
        var run = new List<IncomingEvent>(taken.Count);
        string? runGateway = null;
        foreach (var message in taken)
        {
            var parsed = Parse(message.Args.ApplicationMessage, out var gateway);
            if (parsed is null)
            {
                continue;
            }

            if (runGateway is not null && runGateway != gateway)
            {
                await TakeRunAsync(runGateway, run).ConfigureAwait(false);
                run.Clear();
            }

            runGateway = gateway;
            run.Add(parsed);
        }

        if (runGateway is not null && run.Count > 0)
        {
            await TakeRunAsync(runGateway, run).ConfigureAwait(false);
        }
    }

    private async Task TakeRunAsync(string gateway, List<IncomingEvent> run)
    {
        _counters.CountBatch();
        var outcome = await _intake.TakeAsync(gateway, run).ConfigureAwait(false);
        foreach (var (id, reason) in outcome.Rejected)
        {
            _logger.LogWarning("refused message from {Gateway} {Id}: {Reason}", LogText.Untrusted(gateway, 64), LogText.Untrusted(id, 128), reason);
        }
    }

    /// <summary>The event of one message; null (logged, counted, acknowledged: it can never become valid) when malformed.</summary>
    private IncomingEvent? Parse(MqttApplicationMessage message, out string gateway)
    {
        gateway = string.Empty;
        if (!Topics.TryParsePlatformEvents(message.Topic, out gateway, out var lane))
        {
            return Refuse("bad_topic", $"topic '{message.Topic}' is not {Topics.PlatformEventsFilter}");
        }

        try
        {
            using var document = JsonDocument.Parse(message.Payload, new JsonDocumentOptions { MaxDepth = 8 });
            if (!BatchParser.TryParseEvent(document.RootElement, out var parsed, out var problem))
            {
                return Refuse("bad_field", "the message" + problem);
            }

            return parsed.Lane == lane ? parsed : Refuse("bad_lane", $"event {parsed.Id} of lane {parsed.Lane} on the topic of lane {lane}");
        }
        catch (JsonException exception)
        {
            return Refuse("malformed_json", exception.Message);
        }
    }

    private IncomingEvent? Refuse(string reason, string detail)
    {
        _counters.CountBadBatch();
        _counters.CountRefused(reason);
        _logger.LogWarning("refused message {Reason}: {Detail}", reason, LogText.Untrusted(detail, 240));
        return null;
    }

    private async Task SafeDisconnectAsync()
    {
        try
        {
            if (!_client.IsConnected)
            {
                return;
            }

            await _client.DisconnectAsync(new MqttClientDisconnectOptions()).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Also when the host disposed the client while stopping: nothing left to close.
            _logger.LogDebug("disconnect failed: {Error}", exception.Message);
        }
    }

    private sealed record Received(MqttApplicationMessageReceivedEventArgs Args, int Generation);
}
