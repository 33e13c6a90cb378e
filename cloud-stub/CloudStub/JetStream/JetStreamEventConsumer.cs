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
/// <para>In stream order, also across a lost connection: messages delivered on a connection that dropped (its node
/// killed) come again only after the consumer's ack wait, behind everything delivered since, which stored a device's
/// later event before its earlier one (the Upstream fault scenario saw it: alarms 30 s late, 60-94 order violations in
/// 2 of ~10 runs). So each start of a lane's pump (the stub's start, a disconnect, which cancels it, or a failure)
/// makes its consumer anew from its acknowledged floor, to deliver from the first unacknowledged stream sequence in
/// order (what the stub stored already is found as a duplicate).</para>
/// </summary>
public sealed class JetStreamEventConsumer(
    NatsConnection connection, JetStreamOptions options, EventIntake intake, StubCounters counters, ILogger<JetStreamEventConsumer> logger) : BackgroundService
{
    private static readonly string[] Lanes = [EventTypes.AlarmLane, "service", "telemetry"];
    private readonly NatsJSContext _js = new(connection);
    private readonly TaskCompletionSource _streamsReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Each lane's running pump, cancelled by a disconnect so that it starts again from its acknowledged floor.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CancellationTokenSource> _pumps = new(StringComparer.Ordinal);
    private int _disconnects;

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

        connection.ConnectionDisconnected += OnDisconnectedAsync;
        try
        {
            await Task.WhenAll(Lanes.Select(lane => RunLaneAsync(lane, stoppingToken))).ConfigureAwait(false);
        }
        finally
        {
            connection.ConnectionDisconnected -= OnDisconnectedAsync;
        }
    }

    private ValueTask OnDisconnectedAsync(object? sender, NatsEventArgs args)
    {
        Interlocked.Increment(ref _disconnects);
        foreach (var pump in _pumps.Values)
        {
            try
            {
                pump.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // That pump has just ended.
            }
        }

        return ValueTask.CompletedTask;
    }

    private async Task RunLaneAsync(string lane, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        var seenDisconnects = Volatile.Read(ref _disconnects);
        while (!stoppingToken.IsCancellationRequested)
        {
            var buffer = Channel.CreateBounded<INatsJSMsg<byte[]>>(new BoundedChannelOptions(2 * options.MaxBatch) { SingleReader = true, SingleWriter = true });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            _pumps[lane] = stop;
            try
            {
                seenDisconnects = Volatile.Read(ref _disconnects);
                var consumer = await CreateFromFloorAsync(lane, stoppingToken).ConfigureAwait(false);
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
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested && Volatile.Read(ref _disconnects) != seenDisconnects)
            {
                // The connection dropped: again from the acknowledged floor, in order, once it is back.
                logger.LogInformation("jetstream: {Lane} consumer starts again from its acknowledged floor after a disconnect ({Error})", lane, exception.GetBaseException().Message);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Any failure (cluster, store) is retried: unacknowledged messages come again, the store finds repeats;
                // from the acknowledged floor, so they come in order.
                logger.LogWarning("jetstream: {Lane} consumer failed ({Error}); again in {Delay} ms", lane, exception.GetBaseException().Message, (int)backoff.TotalMilliseconds);
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 2_000));
            }
        }
    }

    /// <summary>
    /// The lane's durable consumer, made anew at every start of its pump (the stub's start, a disconnect, a failure) to
    /// deliver from the first stream sequence it has not acknowledged (messages after that which the stub stored already
    /// are duplicates to its store), so nothing delivered earlier comes back behind later ones; from the start of the
    /// stream when there is none yet.
    /// </summary>
    private async Task<INatsJSConsumer> CreateFromFloorAsync(string lane, CancellationToken cancellationToken)
    {
        var config = new ConsumerConfig(ConsumerName(lane))
        {
            FilterSubject = JetStreamSubjects.LaneEvents(lane),
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            DeliverPolicy = ConsumerConfigDeliverPolicy.All,
            AckWait = TimeSpan.FromSeconds(30),
            MaxAckPending = 10_000,
        };
        INatsJSConsumer? existing = null;
        try
        {
            existing = await _js.GetConsumerAsync(JetStreamSubjects.EventsStream, ConsumerName(lane), cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException exception) when (exception.Error.Code == 404)
        {
            // Not there yet: from the start of the stream.
        }

        if (existing is not null)
        {
            var floor = existing.Info.AckFloor?.StreamSeq ?? 0;
            await _js.DeleteConsumerAsync(JetStreamSubjects.EventsStream, ConsumerName(lane), cancellationToken).ConfigureAwait(false);
            config.DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence;
            config.OptStartSeq = floor + 1;
        }

        return await _js.CreateOrUpdateConsumerAsync(JetStreamSubjects.EventsStream, config, cancellationToken).ConfigureAwait(false);
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
