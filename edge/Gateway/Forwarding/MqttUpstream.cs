using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Firmware.Core.Events;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// Forwards to an IoT platform's MQTT broker (docs/wire-format.md "Upstream MQTT"): each event one QoS 1 message, its
/// JSON from <see cref="UpstreamEventJson"/> (the id inside), on its lane's topic (<see cref="Topics.PlatformEvents"/>:
/// alarms have their own). A batch is pipelined: every publish goes out at once, in the stream's order, over one
/// connection (MQTTnet sends in call order, so a device's events reach the broker in order), and the answer waits for
/// their PUBACKs (<see cref="MqttPublishAnswers"/>): an event is marked forwarded only after its PUBACK. MQTT 5 with a
/// persistent session (clean start off, a fixed client id): the broker keeps the session across a reconnect. The
/// connection is opened on demand and again after a loss; a failure to connect throws (the forwarder retries).
/// </summary>
public sealed class MqttUpstream : IUpstream, IAsyncDisposable
{
    private readonly MqttUpstreamOptions _options;
    private readonly ForwarderOptions _forwarder;
    private readonly ILogger _logger;
    private readonly IMqttClient _client;
    private readonly UpstreamTrust _trust;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly string _clientId;
    private Connection? _connection;

    public MqttUpstream(MqttUpstreamOptions options, ForwarderOptions forwarder, ILogger<MqttUpstream> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(forwarder);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _forwarder = forwarder;
        _logger = logger;
        _trust = new UpstreamTrust(options.TrustedCaPath, options.PinnedThumbprintSha256);
        _clientId = options.EffectiveClientId(forwarder.GatewayId);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.DisconnectedAsync += args =>
        {
            // MQTTnet leaves a publish that starts while the link goes down waiting for a PUBACK that never comes (its
            // dispatcher, already disposed, still takes the waiter): measured as a 10 s stall of every stream after a
            // broker restart. The connection's token ends those waits at once.
            _connection?.Lost.Cancel();
            if (args.ClientWasConnected)
            {
                _logger.LogWarning("platform broker {Host}:{Port} connection lost ({Reason}); events without a PUBACK go again", _options.Host, _options.Port, args.ReasonString ?? args.Reason.ToString());
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>True while connected to the platform's broker.</summary>
    public bool IsConnected => _client.IsConnected;

    public async Task<UpstreamAnswer> SendAsync(IReadOnlyList<EventRecord> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return new UpstreamAnswer([], []);
        }

        var connection = await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        var publishes = new List<Task<MqttClientPublishReasonCode?>>(batch.Count);
        string? error = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.Lost.Token);
        timeout.CancelAfter(_forwarder.RequestTimeoutMilliseconds);
        try
        {
            foreach (var e in batch)
            {
                await connection.Window.WaitAsync(timeout.Token).ConfigureAwait(false);
                // Not awaited here: the next publish goes out before this one's PUBACK. MQTTnet queues the sends in
                // call order; the publish's only token is the connection's loss (a timeout's cancelled send in that
                // queue would let a later one overtake it; after the loss nothing more leaves on that connection).
                publishes.Add(PublishAsync(Message(e), connection, ex => error ??= ex.Message));
            }

            await Task.WhenAll(publishes).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && connection.Lost.IsCancellationRequested)
        {
            // The link went down under the batch: what has no PUBACK goes again on the next connection.
            error ??= "connection lost";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // No PUBACK in time: a stalled link. Drop it, so the publishes still waiting fail now (and free the window)
            // and the next batch starts on a fresh connection; their events go again.
            error ??= $"{batch.Count - publishes.Count(p => p.IsCompletedSuccessfully && p.Result is not null)} PUBACKs missing after {_forwarder.RequestTimeoutMilliseconds} ms";
            await DropConnectionAsync().ConfigureAwait(false);
        }

        var codes = new MqttClientPublishReasonCode?[batch.Count];
        for (var i = 0; i < publishes.Count; i++)
        {
            codes[i] = publishes[i].IsCompletedSuccessfully ? publishes[i].Result : null;
        }

        var answer = MqttPublishAnswers.ToAnswer(batch, codes, _options.AcceptWithoutSubscribers, out var retryReason);
        if (answer.Accepted.Count + answer.Rejected.Count == 0)
        {
            throw new UpstreamException($"platform broker took none of {batch.Count} events ({retryReason}{(error is null ? string.Empty : "; " + error)})");
        }

        if (retryReason is not null)
        {
            _logger.LogWarning("platform broker took {Taken} of {Count} events, the rest go again ({Reason}{Error})",
                answer.Accepted.Count + answer.Rejected.Count, batch.Count, retryReason, error is null ? string.Empty : "; " + error);
        }

        return answer;
    }

    /// <summary>Connects ahead of the first alarm (TLS handshake and login done). Never throws.</summary>
    public async Task WarmAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The broker may be down at start; the first send connects and retries as usual.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                // A normal DISCONNECT: the broker keeps the session (its expiry was set at connect).
                await _client.DisconnectAsync(new MqttClientDisconnectOptions()).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                _logger.LogDebug("disconnect from the platform broker failed: {Error}", exception.Message);
            }
        }

        _client.Dispose();
        _connectLock.Dispose();
    }

    private MqttApplicationMessage Message(EventRecord e) => new MqttApplicationMessageBuilder()
        .WithTopic(Topics.PlatformEvents(_forwarder.GatewayId, e.Lane))
        .WithPayload(UpstreamEventJson.ToUtf8(e))
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .WithContentType("application/json")
        .Build();

    private async Task<MqttClientPublishReasonCode?> PublishAsync(MqttApplicationMessage message, Connection connection, Action<Exception> failed)
    {
        try
        {
            var result = await _client.PublishAsync(message, connection.Lost.Token).ConfigureAwait(false);
            return result.ReasonCode;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            failed(exception);
            return null;
        }
        finally
        {
            connection.Window.Release();
        }
    }

    private async Task<Connection> EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client.IsConnected && _connection is { Lost.IsCancellationRequested: false } open)
        {
            return open;
        }

        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client.IsConnected && _connection is { Lost.IsCancellationRequested: false } opened)
            {
                return opened;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.ConnectTimeoutMilliseconds);
            MqttClientConnectResult result;
            try
            {
                result = await _client.ConnectAsync(ClientOptions(), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
            {
                throw new UpstreamException($"platform broker {_options.Host}:{_options.Port} not reachable: {exception.Message}");
            }

            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new UpstreamException($"platform broker {_options.Host}:{_options.Port} refused the gateway: {result.ResultCode} {result.ReasonString}");
            }

            // The broker's receive maximum bounds what may wait for a PUBACK (absent = 65535, MQTT 5 section 3.2.2.3.3).
            var receiveMaximum = result.ReceiveMaximum is null or 0 ? 65535 : result.ReceiveMaximum.Value;
            var window = Math.Min(_options.MaxInFlight, receiveMaximum);
            // The previous connection's token and window are left to its publishes (each ends on its token).
            var connection = new Connection(new SemaphoreSlim(window, window), new CancellationTokenSource());
            _connection = connection;
            _logger.LogInformation("connected to the platform broker {Host}:{Port} as {ClientId} (tls: {Tls}, session present: {Present}, in flight at most {Window})",
                _options.Host, _options.Port, _clientId, _options.UseTls, result.IsSessionPresent, window);
            return connection;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private async Task DropConnectionAsync()
    {
        try
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptions()).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            _logger.LogDebug("disconnect from the platform broker failed: {Error}", exception.Message);
        }
    }

    /// <summary>One connection's publish window and the token its loss cancels.</summary>
    private sealed record Connection(SemaphoreSlim Window, CancellationTokenSource Lost);

    private MqttClientOptions ClientOptions()
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithClientId(_clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            // Persistent session: what the broker holds for the gateway outlives a lost connection or a broker restart.
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)_options.SessionExpirySeconds)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(_options.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromMilliseconds(_options.ConnectTimeoutMilliseconds));
        if (_options.HasCredentials)
        {
            builder = builder.WithCredentials(_options.Username ?? string.Empty, _options.Password ?? string.Empty);
        }

        if (_options.UseTls)
        {
            builder = builder.WithTlsOptions(tls => tls
                .UseTls()
                .WithTargetHost(_options.Host)
                .WithCertificateValidationHandler(args => _trust.Accepts(args.Certificate, args.SslPolicyErrors)));
        }

        return builder.Build();
    }
}
