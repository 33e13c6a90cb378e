using System.Threading.Channels;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Firmware.Core.Events;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Eldercare.CloudStub.JetStream;

/// <summary>
/// The stub's JetStream consumer mode: one durable pull consumer per lane on the events stream (alarms have their own, so
/// a telemetry drain never holds an alarm back), each event stored in the stub's store (the HTTP path's parser, checks,
/// <c>INSERT OR IGNORE</c> and ALARM line) and only then acknowledged to the stream. A crash between the store and the
/// acknowledgement redelivers the message, which the store finds as a duplicate: stored exactly once either way.
/// </summary>
public sealed class JetStreamEventConsumer(
    NatsConnection connection, JetStreamOptions options, EventIntake intake, StubCounters counters, ILogger<JetStreamEventConsumer> logger) : BackgroundService
{
    private static readonly string[] Lanes = [EventTypes.AlarmLane, "service", "telemetry"];
    private readonly NatsJSContext _js = new(connection);
    private readonly TaskCompletionSource _streamsReady = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// A pull request lives this long (the client's default is 30 s): after a node holding the consumer's leader dies, the
    /// next request reaches the new leader within this, and a missed heartbeat (every second) re-issues one sooner.
    /// </summary>
    public static readonly TimeSpan PullExpiry = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan PullHeartbeat = TimeSpan.FromSeconds(1);

    /// <summary>The consumer's name for a lane (durable: it keeps its place across the stub's restarts).</summary>
    public static string ConsumerName(string lane) => "cloud-stub-" + lane;

    /// <summary>Completes once the streams exist (the stub's start waits for it before its ready line).</summary>
    public Task StreamsReady => _streamsReady.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!_streamsReady.Task.IsCompleted)
        {
            try
            {
                await JetStreamStreams.EnsureAsync(_js, options, stoppingToken).ConfigureAwait(false);
                _streamsReady.TrySetResult();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // A cluster just started has no meta leader for a few seconds.
                logger.LogInformation("jetstream: streams not ready yet ({Error})", exception.GetBaseException().Message);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(Lanes.Select(lane => RunLaneAsync(lane, stoppingToken))).ConfigureAwait(false);
    }

    private async Task RunLaneAsync(string lane, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            var buffer = Channel.CreateBounded<INatsJSMsg<byte[]>>(new BoundedChannelOptions(2 * options.MaxBatch) { SingleReader = true, SingleWriter = true });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            try
            {
                var consumer = await _js.CreateOrUpdateConsumerAsync(JetStreamSubjects.EventsStream, new ConsumerConfig(ConsumerName(lane))
                {
                    FilterSubject = JetStreamSubjects.LaneEvents(lane),
                    AckPolicy = ConsumerConfigAckPolicy.Explicit,
                    DeliverPolicy = ConsumerConfigDeliverPolicy.All,
                    AckWait = TimeSpan.FromSeconds(30),
                    MaxAckPending = 10_000,
                }, stoppingToken).ConfigureAwait(false);
                logger.LogInformation("jetstream: consuming {Subject} as {Consumer}", JetStreamSubjects.LaneEvents(lane), ConsumerName(lane));
                var store = StoreLoopAsync(buffer.Reader, stop);
                try
                {
                    await foreach (var message in consumer.ConsumeAsync<byte[]>(opts: new NatsJSConsumeOpts { MaxMsgs = options.MaxBatch, Expires = PullExpiry, IdleHeartbeat = PullHeartbeat }, cancellationToken: stop.Token).ConfigureAwait(false))
                    {
                        backoff = TimeSpan.FromMilliseconds(100);
                        await buffer.Writer.WriteAsync(message, stop.Token).ConfigureAwait(false);
                    }
                }
                finally
                {
                    buffer.Writer.TryComplete();
                    await store.ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Any failure (cluster, store) is retried: unacknowledged messages come again, the store finds repeats.
                logger.LogWarning("jetstream: {Lane} consumer failed ({Error}); again in {Delay} ms", lane, exception.GetBaseException().Message, (int)backoff.TotalMilliseconds);
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 2_000));
            }
        }
    }

    /// <summary>Takes what the consumer has delivered (up to MaxBatch), stores it in one go, then acknowledges each message.</summary>
    /// <remarks>A failure stops the lane's pump (<paramref name="stop"/>), which then restarts both.</remarks>
    private async Task StoreLoopAsync(ChannelReader<INatsJSMsg<byte[]>> reader, CancellationTokenSource stop)
    {
        try
        {
            await StoreMessagesAsync(reader, stop.Token).ConfigureAwait(false);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StoreMessagesAsync(ChannelReader<INatsJSMsg<byte[]>> reader, CancellationToken cancellationToken)
    {
        var messages = new List<INatsJSMsg<byte[]>>(options.MaxBatch);
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            messages.Clear();
            while (messages.Count < options.MaxBatch && reader.TryRead(out var message))
            {
                messages.Add(message);
            }

            await StoreAsync(messages).ConfigureAwait(false);
            foreach (var message in messages)
            {
                // Not tied to the stop token: a stored event's acknowledgement should still go out while stopping.
                await message.AckAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task StoreAsync(List<INatsJSMsg<byte[]>> messages)
    {
        // Consecutive messages of one gateway are stored together (one transaction for the lot).
        var gateway = (string?)null;
        var run = new List<IncomingEvent>();
        foreach (var message in messages)
        {
            var parsed = BatchParser.Parse(message.Data ?? [], maxEvents: 1);
            if (!parsed.Ok || parsed.Events.Count != 1)
            {
                counters.CountBadBatch();
                counters.CountRefused(parsed.Error ?? "not_one_event");
                logger.LogWarning("jetstream: refused message {Subject} {Error}: {Detail}", message.Subject, parsed.Error ?? "not_one_event",
                    Eldercare.Firmware.Core.Text.LogText.Untrusted(parsed.Detail ?? string.Empty, 240));
                continue;
            }

            var e = parsed.Events[0];
            var reason = EventIntake.Check(e, parsed.Gateway!);
            if (reason is not null)
            {
                counters.CountRejected(1);
                logger.LogWarning("jetstream: rejected {Id}: {Reason}", Eldercare.Firmware.Core.Text.LogText.Untrusted(e.Id, 80), reason);
                continue;
            }

            if (gateway is not null && gateway != parsed.Gateway)
            {
                await StoreRunAsync(gateway, run).ConfigureAwait(false);
                run.Clear();
            }

            gateway = parsed.Gateway;
            run.Add(e);
        }

        if (gateway is not null && run.Count > 0)
        {
            await StoreRunAsync(gateway, run).ConfigureAwait(false);
        }
    }

    private async Task StoreRunAsync(string gateway, List<IncomingEvent> events)
    {
        // Checked above (each refusal logged with its message); stored, counted and printed as every path does.
        counters.CountBatch();
        await intake.TakeAsync(gateway, events).ConfigureAwait(false);
    }
}
