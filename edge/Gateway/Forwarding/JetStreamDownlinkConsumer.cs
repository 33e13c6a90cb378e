using System.Text.Json;
using Eldercare.Edge.Gateway.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// The platform's feed (operators' acknowledgements, configurations) over JetStream: this gateway's durable pull consumer
/// (<see cref="JetStreamSubjects.DownlinkConsumer"/>) of its subject in <see cref="JetStreamSubjects.DownlinksStream"/>.
/// The gateway opens the connection (the platform never reaches into the community's network), and what the platform
/// published while the gateway was down waits in the stream. Each item goes to <see cref="PlatformFeedHandler"/> (the
/// HTTP long poll's handling) and is acknowledged to the stream only after that, so a crash repeats an item (harmless on
/// the device) and never loses one. An item that is not the feed's JSON is refused, counted and not redelivered; when
/// the downlinks cannot be queued now, it is redelivered a second later.
/// </summary>
public sealed class JetStreamDownlinkConsumer : BackgroundService
{
    private readonly NatsJSContext _js;
    private readonly string _gatewayId;
    private readonly PlatformFeedHandler _handler;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<JetStreamDownlinkConsumer> _logger;
    private readonly TimeProvider _time;

    public JetStreamDownlinkConsumer(INatsConnection connection, string gatewayId, PlatformFeedHandler handler, GatewayMetrics metrics, ILogger<JetStreamDownlinkConsumer> logger, TimeProvider time)
    {
        _js = new NatsJSContext(connection);
        _gatewayId = gatewayId;
        _handler = handler;
        _metrics = metrics;
        _logger = logger;
        _time = time;
    }

    /// <summary>
    /// Pull requests of 5 s with a heartbeat every second (the client's default request lives 30 s): after the node
    /// holding the consumer's leader dies, the feed reaches the new leader within seconds.
    /// </summary>
    private static readonly NatsJSConsumeOpts PullOptions = new() { MaxMsgs = 100, Expires = TimeSpan.FromSeconds(5), IdleHeartbeat = TimeSpan.FromSeconds(1) };

    /// <summary>Items handled (acknowledged to the stream) since the start.</summary>
    public long Handled => Interlocked.Read(ref _handled);

    private long _handled;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var consumer = await _js.CreateOrUpdateConsumerAsync(JetStreamSubjects.DownlinksStream, new ConsumerConfig(JetStreamSubjects.DownlinkConsumer(_gatewayId))
                {
                    FilterSubject = JetStreamSubjects.Downlinks(_gatewayId),
                    AckPolicy = ConsumerConfigAckPolicy.Explicit,
                    DeliverPolicy = ConsumerConfigDeliverPolicy.All,
                    AckWait = TimeSpan.FromSeconds(30),
                }, stoppingToken).ConfigureAwait(false);
                _logger.LogInformation("acknowledgements: consuming {Subject} (durable {Consumer})", JetStreamSubjects.Downlinks(_gatewayId), JetStreamSubjects.DownlinkConsumer(_gatewayId));
                await foreach (var message in consumer.ConsumeAsync<byte[]>(opts: PullOptions, cancellationToken: stoppingToken).ConfigureAwait(false))
                {
                    backoff = TimeSpan.FromMilliseconds(100);
                    await HandleAsync(message, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Any failure (cluster down, consumer lost, a store error while queueing) is retried: an exception out
                // of here would stop the gateway.
                _metrics.CountAcknowledgementPollFailure();
                _logger.LogWarning("acknowledgements: JetStream feed failed ({Error}); again in {Delay} ms", exception.GetBaseException().Message, (int)backoff.TotalMilliseconds);
                try
                {
                    await Task.Delay(backoff, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 5_000));
            }
        }
    }

    private async Task HandleAsync(INatsJSMsg<byte[]> message, CancellationToken cancellationToken)
    {
        PlatformFeedItem? item;
        try
        {
            item = message.Data is { Length: > 0 } data ? JsonSerializer.Deserialize<PlatformFeedItem>(data) : null;
        }
        catch (JsonException)
        {
            item = null;
        }

        if (item is null)
        {
            _metrics.CountAcknowledgementRefused("bad_ack");
            _logger.LogWarning("acknowledgements: a feed message on {Subject} is not the feed's JSON; dropped", message.Subject);
            await message.AckTerminateAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await _handler.DeliverAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch (Broker.DownlinkUnavailableException exception)
        {
            _metrics.CountAcknowledgementPollFailure();
            _logger.LogWarning("acknowledgements: {Id} not queued now ({Error}); redelivered in 1 s", Eldercare.Firmware.Core.Text.LogText.Untrusted(item.Id, 80), exception.Message);
            await message.NakAsync(delay: TimeSpan.FromSeconds(1), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        // Double ack: the server confirms it, so an item counted handled is not delivered again (a lost ack would repeat it).
        await message.AckAsync(new AckOpts { DoubleAck = true }, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _handled);
    }
}
