using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Firmware.Core.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Eldercare.Edge.Gateway.Forwarding;

// Size (~690 lines): more than one job. It holds the alarm streams (express and store paths), the pipelined
// telemetry streams and the reconciliation between them; issue 12 asks for one forward stream type with the express
// path as a source, which is not done yet. Until then the paths stay here, next to the state they share.
/// <summary>
/// Sends stored events upstream in batches, alarm lane first: the alarm lane in store order on its own thread,
/// the telemetry lane as streams that each own a fixed share of the devices and send it in store order (so
/// per-device order holds within a lane). Each retry re-reads the batch, so an alarm that arrived during an outage
/// overtakes the telemetry that was queued before it. Retries never end (an acknowledged event is never
/// given up) and back off exponentially with jitter, capped at <see cref="ForwarderOptions.MaxBackoffMilliseconds"/>
/// so delivery resumes within about that long after the upstream returns. Wakes on each commit.
/// </summary>
public sealed class Forwarder : BackgroundService
{
    /// <summary>Safety net only: commits wake the loop through the store's signal.</summary>
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(5);

    private readonly IForwardQueues _queues;
    private readonly IUpstream _upstream;
    private readonly ForwarderOptions _options;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<Forwarder> _logger;
    private readonly ResiliencePipeline _retry;

    // The alarm lane's streams, each on its own thread with a fixed share of the devices.
    private readonly AlarmStream[] _alarmStreams;
    private readonly AlarmExpress _express;

    /// <param name="express">The alarm express path that ingest feeds (the same instance): required, as a forwarder
    /// with an express path of its own would wait for alarms that never come to it.</param>
    /// <param name="time">The retry back-off's clock.</param>
    public Forwarder(IForwardQueues queues, IUpstream upstream, ForwarderOptions options, GatewayMetrics metrics, ILogger<Forwarder> logger, TimeProvider time, AlarmExpress express)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(express);
        if (express.Streams != queues.Lanes.Alarm.Shards)
        {
            throw new ArgumentException($"the alarm express path has {express.Streams} streams, the alarm lane {queues.Lanes.Alarm.Shards}", nameof(express));
        }

        _express = express;
        _queues = queues;
        _upstream = upstream;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _alarmStreams = Enumerable.Range(0, queues.Lanes.Alarm.Shards).Select(shard => new AlarmStream(queues.Get(queues.Lanes.Alarm, shard), OnAlarmBacklogCleared)).ToArray();
        _retry = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                // Every failure is retried (a request timeout too) unless the gateway itself is stopping.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = TimeSpan.FromMilliseconds(options.MaxBackoffMilliseconds),
                OnRetry = args =>
                {
                    _metrics.CountForwardFailure();
                    _logger.LogWarning("forward failed (attempt {Attempt}), retry in {Delay} ms: {Error}",
                        args.AttemptNumber + 1, (int)args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>
    /// Two loops, one per lane, each in store order (so per-device order within a lane holds): an alarm never
    /// waits for a 1,000-event telemetry POST in flight, it goes in its own request as soon as it is committed.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The alarm lane blocks on threads of its own (store waits, HTTP with synchronous I/O): under a reconnect
        // storm the thread pool's queue holds ~1,000 items, and an alarm's every await would wait behind them.
        // One thread per alarm stream: an alarm of one share of the devices does not wait for another share's POST.
        var alarmLanesDone = _alarmStreams.Select(stream =>
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                try
                {
                    var refused = Hosting.ThreadNice.TrySetCurrentThread(_options.AlarmLaneNice);
                    if (refused is not null && stream.Shard == 0)
                    {
                        _logger.LogWarning("alarm lane stays at the process's priority (nice {Nice} refused: {Reason})", _options.AlarmLaneNice, refused);
                    }

                    WarmQuietly(stream.Shard, stoppingToken);
                    RunAlarmLane(stream, stoppingToken);
                }
                finally
                {
                    done.TrySetResult();
                }
            })
            {
                IsBackground = true,
                Name = $"forwarder-alarms-{stream.Shard}",
            };
            thread.Start();
            return done.Task;
        }).ToList();
        // Every other lane's shards as pipelined streams, each woken by its own queue's signal.
        var streams = _queues.Lanes.InPriorityOrder.Where(lane => !lane.Urgent)
            .SelectMany(lane => Enumerable.Range(0, lane.Shards).Select(shard => new TelemetryStream(_queues.Get(lane, shard))))
            .ToList();
        return Task.WhenAll(
            streams.Select(s => Task.Run(() => RunTelemetryStreamAsync(s, stoppingToken), CancellationToken.None))
                .Concat(alarmLanesDone));
    }

    private async Task RunTelemetryStreamAsync(TelemetryStream stream, CancellationToken stoppingToken)
    {
        // The stream's wake signal is not disposed: the relay may still set it while the gateway stops.
        Func<CancellationToken, ValueTask<int>> sendOne = cancellationToken => SendTelemetryBatchAsync(stream, cancellationToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (!stoppingToken.IsCancellationRequested && await _retry.ExecuteAsync(sendOne, stoppingToken).ConfigureAwait(false) >= 0)
                {
                }

                await stream.Queue.NewEvents.WaitAsync(IdlePoll, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // A bug, not an outage (outages are retried inside the pipeline): log, go on.
                _logger.LogError(exception, "forwarder loop error (telemetry stream {Shard})", stream.Shard);
                await Task.Delay(_options.MaxBackoffMilliseconds, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// <see cref="IUpstream.Warm"/> promises not to throw; an upstream that breaks the promise must still not end the
    /// process from this thread (an exception escaping a thread's start method does) nor keep the lane from running.
    /// </summary>
    private void WarmQuietly(int shard, CancellationToken stoppingToken)
    {
        try
        {
            _upstream.Warm(stoppingToken);
        }
        catch (Exception exception)
        {
            if (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogWarning(exception, "warming the upstream path failed (alarm stream {Shard}); the first alarm pays for it", shard);
            }
        }
    }

    private void RunAlarmLane(AlarmStream stream, CancellationToken stoppingToken)
    {
        Func<CancellationToken, int> sendOne = cancellationToken => SendOneAlarmBatch(stream, cancellationToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Express first: alarms offered by ingest, posted while the store commits them.
                while (!stoppingToken.IsCancellationRequested && SendExpress(stream, stoppingToken))
                {
                }

                // Then the store: marks for what express sent, and everything while the stream is closed (with
                // retries and backoff). A closed stream opens again after a pass that left nothing to send.
                var ticket = _express.ReopenTicket(stream.Shard);
                var drained = false;
                while (!stoppingToken.IsCancellationRequested && !_express.HasQueued(stream.Shard))
                {
                    if (_retry.Execute(sendOne, stoppingToken) < 0)
                    {
                        drained = true;
                        break;
                    }
                }

                if (drained && ticket is { } reopen)
                {
                    _express.TryReopen(stream.Shard, reopen);
                }

                if (!_express.HasQueued(stream.Shard))
                {
                    // Woken by a commit that stored alarms and by an express offer (sticky: a wake before the wait counts).
                    stream.Queue.NewEvents.Wait(IdlePoll, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                _logger.LogError(exception, "forwarder loop error (alarm stream {Shard})", stream.Shard);
                stoppingToken.WaitHandle.WaitOne(_options.MaxBackoffMilliseconds);
            }
        }
    }

    /// <summary>
    /// One express POST of the alarms queued for this stream (<see cref="AlarmExpress"/>), not retried here: after a
    /// failure or a partial answer the stream closes and the store path sends the rest with retries. False when
    /// nothing was queued.
    /// </summary>
    private bool SendExpress(AlarmStream stream, CancellationToken cancellationToken)
    {
        var items = _express.Take(stream.Shard, _options.BatchSize);
        if (items.Count == 0)
        {
            return false;
        }

        var batch = items.Select(i => i.Record).ToList();
        List<string> accepted;
        List<UpstreamRejection> rejected;
        try
        {
            (accepted, rejected) = Evaluate(batch, _upstream.Send(batch, cancellationToken));
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            _express.Close(stream.Shard, items);
            _metrics.CountForwardFailure();
            _logger.LogWarning("express alarm post failed (alarm stream {Shard}); the store path retries: {Error}", stream.Shard, exception.Message);
            return false;
        }
        catch
        {
            _express.Close(stream.Shard, items);
            throw;
        }

        // Their rows are marked when the store path reads them (after their commit), without another POST.
        stream.ExpressSent.UnionWith(accepted);
        stream.ExpressRejected.UnionWith(rejected.Select(r => r.Id));
        // A resend queued next to its original is one id in the answer: only an id left unanswered closes the stream.
        var answered = accepted.Concat(rejected.Select(r => r.Id)).ToHashSet(StringComparer.Ordinal);
        var unanswered = items.Where(i => !answered.Contains(i.Record.Id)).ToList();
        if (unanswered.Count > 0)
        {
            _express.Close(stream.Shard, unanswered);
        }

        stream.TrimExpressSets();
        _metrics.CountAlarmsExpressed(accepted.Count);
        Confirmed(accepted, rejected);
        return true;
    }

    /// <summary>
    /// One batch of an alarm stream, blocking: the store's read (its own connection), synchronous HTTP I/O. Alarms the
    /// express path already sent are only marked; one still queued for it stops the batch (express posts it). The
    /// marks are queued, not waited for: the next alarms are read after the store sequence of the last batch the
    /// upstream answered in full, so an alarm that arrives while the previous batch's marks commit is sent at once.
    /// After a failure, a partial answer or an empty read, the marks sent so far are waited for and the cursor
    /// returns to the start, so whatever was not confirmed is read and sent again (in store order within the
    /// stream's devices: per-device order holds, one POST per stream at a time). While the express path is open an
    /// empty read does not wait for marks still committing (the next wake settles them). -1 when nothing is
    /// pending; throws to retry.
    /// </summary>
    private int SendOneAlarmBatch(AlarmStream stream, CancellationToken cancellationToken)
    {
        var batch = ReadNow(stream.Queue, stream.Cursor);
        if (batch.Count == 0 && stream.Cursor != 0)
        {
            if (stream.Marks is { IsCompleted: false } && _express.IsOpen(stream.Shard))
            {
                stream.Backlog = false;
                return -1;
            }

            SettleAlarmMarks(stream);
            batch = ReadNow(stream.Queue, 0);
        }

        var toSend = new List<EventRecord>(batch.Count);
        var sentByExpress = new List<string>();
        var rejectedByExpress = new List<string>();
        var processedUpTo = stream.Cursor;
        foreach (var e in batch)
        {
            if (stream.ExpressSent.Remove(e.Id))
            {
                sentByExpress.Add(e.Id);
            }
            else if (stream.ExpressRejected.Remove(e.Id))
            {
                rejectedByExpress.Add(e.Id);
            }
            else if (_express.IsQueued(stream.Shard, e.Id))
            {
                break;
            }
            else
            {
                toSend.Add(e);
            }

            processedUpTo = e.StoreSequence;
        }

        stream.Backlog = toSend.Count > 0;
        if (sentByExpress.Count > 0)
        {
            stream.Marks = stream.Queue.MarkAsync(sentByExpress, ForwardState.Forwarded);
        }

        if (rejectedByExpress.Count > 0)
        {
            stream.Marks = stream.Queue.MarkAsync(rejectedByExpress, ForwardState.RejectedUpstream);
        }

        if (toSend.Count == 0)
        {
            if (sentByExpress.Count + rejectedByExpress.Count == 0)
            {
                return -1;
            }

            stream.Cursor = processedUpTo;
            return 0;
        }

        List<string> accepted;
        List<UpstreamRejection> rejected;
        try
        {
            (accepted, rejected) = Evaluate(toSend, _upstream.Send(toSend, cancellationToken));
        }
        catch
        {
            SettleAlarmMarks(stream);
            throw;
        }

        stream.Marks = stream.Queue.MarkAsync(accepted, ForwardState.Forwarded);
        if (rejected.Count > 0)
        {
            stream.Marks = stream.Queue.MarkAsync(rejected.Select(r => r.Id).ToList(), ForwardState.RejectedUpstream);
        }

        if (accepted.Count + rejected.Count == toSend.Count)
        {
            stream.Cursor = processedUpTo;
        }
        else
        {
            // Part of the batch was not answered: read again from the start once these marks are in.
            SettleAlarmMarks(stream);
        }

        return Confirmed(accepted, rejected);
    }

    /// <summary>
    /// Waits until the alarm marks queued so far are committed (they commit in order, so the last one is enough),
    /// then returns the cursor to the start. A failed mark throws here (retried): its alarms are still pending and
    /// are read again from the start.
    /// </summary>
    private static void SettleAlarmMarks(AlarmStream stream)
    {
        var marks = stream.Marks;
        stream.Marks = null;
        stream.Cursor = 0;
        marks?.GetAwaiter().GetResult();
    }

    /// <summary>True while an alarm stream has alarms it has not delivered yet (true until its first read): the
    /// telemetry lane holds back then, so after an outage the backlog of alarms reaches the platform before any
    /// buffered telemetry; a telemetry POST already in flight does not delay an alarm.</summary>
    private TaskCompletionSource _alarmBacklogCleared = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>An alarm stream's backlog went from some to none: wakes the telemetry streams holding back.</summary>
    private void OnAlarmBacklogCleared() =>
        Interlocked.Exchange(ref _alarmBacklogCleared, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private bool AlarmBacklog
    {
        get
        {
            foreach (var stream in _alarmStreams)
            {
                if (stream.Backlog)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// The telemetry lane, pipelined: while a batch is in flight the next one is read (after the last store
    /// sequence sent) and the previous batch's marks are committed, so the upstream, not the gateway's own
    /// SQLite work, sets the pace of a drain. The lane runs as <see cref="ForwarderOptions.TelemetryStreams"/>
    /// streams, each owning a fixed share of the devices (<see cref="IForwardQueue"/>)
    /// with one POST in flight at a time, so per-device order holds at the cloud while the upstream works on
    /// two batches at once. After anything unusual (failure, a partial answer, an empty read) a stream's cursor
    /// goes back to its lowest pending event, once its earlier marks are committed: nothing skipped or sent twice.
    /// </summary>
    private async ValueTask<int> SendTelemetryBatchAsync(TelemetryStream stream, CancellationToken cancellationToken)
    {
        // Woken when an alarm stream's backlog clears (was a 5 ms poll). The task is taken before the check, so a
        // clearing in between completes the task already taken and the loop looks again.
        while (true)
        {
            var cleared = Volatile.Read(ref _alarmBacklogCleared).Task;
            if (!AlarmBacklog)
            {
                break;
            }

            await cleared.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (stream.Cursor == 0)
        {
            await FlushTelemetryMarksAsync(stream).ConfigureAwait(false);
        }

        IReadOnlyList<EventRecord> batch;
        try
        {
            batch = stream.Prefetch is { } prefetch
                ? await prefetch.ConfigureAwait(false)
                : await ReadStreamAsync(stream, stream.Cursor, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            stream.Cursor = 0;
            throw;
        }
        finally
        {
            stream.Prefetch = null;
        }

        if (batch.Count == 0)
        {
            await FlushTelemetryMarksAsync(stream).ConfigureAwait(false);
            stream.Cursor = 0;
            return -1;
        }

        stream.Cursor = batch[^1].StoreSequence;
        var after = stream.Cursor;
        var next = Task.Run(() => ReadStreamAsync(stream, after, cancellationToken), cancellationToken);
        List<string> accepted;
        List<UpstreamRejection> rejected;
        try
        {
            (accepted, rejected) = Evaluate(batch, await _upstream.SendAsync(batch, cancellationToken).ConfigureAwait(false));
            await FlushTelemetryMarksAsync(stream).ConfigureAwait(false);
        }
        catch
        {
            await DiscardAsync(next).ConfigureAwait(false);
            stream.Cursor = 0;
            throw;
        }

        stream.Marks = MarkAnswerAsync(stream.Queue, accepted, rejected);
        if (accepted.Count + rejected.Count < batch.Count)
        {
            // Partial answer: the rest of this batch goes again, before anything stored after it.
            await DiscardAsync(next).ConfigureAwait(false);
            stream.Cursor = 0;
        }
        else
        {
            stream.Prefetch = next;
        }

        return Confirmed(accepted, rejected);
    }

    private async Task<IReadOnlyList<EventRecord>> ReadStreamAsync(TelemetryStream stream, long after, CancellationToken cancellationToken) =>
        await stream.Queue.ReadAfterAsync(after, _options.BatchSize, cancellationToken).ConfigureAwait(false);

    /// <summary>A read on an alarm stream's own thread: the SQLite queue completes it synchronously.</summary>
    private IReadOnlyList<EventRecord> ReadNow(IForwardQueue queue, long after)
    {
        var read = queue.ReadAfterAsync(after, _options.BatchSize, CancellationToken.None);
        return read.IsCompletedSuccessfully ? read.Result : read.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Writes the answer: accepted ids forwarded, rejected ids rejected upstream (kept, never resent).</summary>
    private static async Task MarkAnswerAsync(IForwardQueue queue, List<string> accepted, List<UpstreamRejection> rejected)
    {
        await queue.MarkAsync(accepted, ForwardState.Forwarded).ConfigureAwait(false);
        if (rejected.Count > 0)
        {
            await queue.MarkAsync(rejected.Select(r => r.Id).ToList(), ForwardState.RejectedUpstream).ConfigureAwait(false);
        }
    }

    private static async Task FlushTelemetryMarksAsync(TelemetryStream stream)
    {
        if (stream.Marks is not { } marks)
        {
            return;
        }

        stream.Marks = null;
        try
        {
            await marks.ConfigureAwait(false);
        }
        catch
        {
            stream.Cursor = 0;
            throw;
        }
    }

    private static async Task DiscardAsync(Task<IReadOnlyList<EventRecord>> prefetch)
    {
        try
        {
            await prefetch.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A read that is thrown away anyway; the next read starts again from the lowest pending event.
        }
    }

    /// <summary>The part of the upstream's answer about this batch; throws (retry) when it took none of it.</summary>
    private static (List<string> Accepted, List<UpstreamRejection> Rejected) Evaluate(IReadOnlyList<EventRecord> batch, UpstreamAnswer answer)
    {
        var inBatch = batch.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var accepted = answer.Accepted.Where(inBatch.Contains).ToList();
        var rejected = answer.Rejected.Where(r => inBatch.Contains(r.Id)).ToList();
        if (accepted.Count == 0 && rejected.Count == 0)
        {
            throw new UpstreamException($"upstream took none of {batch.Count} events");
        }

        return (accepted, rejected);
    }

    /// <summary>Counts and logs a confirmed batch (marks already written).</summary>
    private int Confirmed(List<string> accepted, List<UpstreamRejection> rejected)
    {
        if (rejected.Count > 0)
        {
            // The upstream will never take these; resending would block the lane forever. Kept in the store.
            _metrics.CountUpstreamRejected(rejected.Count);
            foreach (var r in rejected)
            {
                _logger.LogWarning("upstream rejected {Id}: {Reason}", Eldercare.Firmware.Core.Text.LogText.Untrusted(r.Id), Eldercare.Firmware.Core.Text.LogText.Untrusted(r.Reason));
            }
        }

        _metrics.CountForwarded(accepted.Count);
        _logger.LogInformation("forwarded {Count} events", accepted.Count);
        return accepted.Count;
    }

    /// <summary>One alarm stream's state: its share of the devices, its read cursor (store sequence of the last batch
    /// answered in full), its latest queued marks. Used by its own thread only, except <see cref="Backlog"/>.</summary>
    private sealed class AlarmStream(IForwardQueue queue, Action backlogCleared)
    {
        public IForwardQueue Queue { get; } = queue;

        public int Shard => Queue.Shard;

        public long Cursor { get; set; }

        public Task<int>? Marks { get; set; }

        /// <summary>Ids the express path posted and the upstream accepted: marked when the store path reads them.</summary>
        public HashSet<string> ExpressSent { get; } = new(StringComparer.Ordinal);

        /// <summary>Ids the express path posted and the upstream rejected for good: marked so when read.</summary>
        public HashSet<string> ExpressRejected { get; } = new(StringComparer.Ordinal);

        /// <summary>
        /// An id is taken out when its row is read; one whose row never turns up pending (a duplicate of an alarm
        /// forwarded long ago, an append that failed) would stay: past a bound half of them are dropped. Dropping
        /// one only costs a second POST of that alarm, which the platform answers as a repeat.
        /// </summary>
        public void TrimExpressSets()
        {
            Trim(ExpressSent);
            Trim(ExpressRejected);

            static void Trim(HashSet<string> ids)
            {
                if (ids.Count > 4096)
                {
                    foreach (var id in ids.Take(ids.Count / 2).ToList())
                    {
                        ids.Remove(id);
                    }
                }
            }
        }

        private volatile bool _backlog = true;

        public bool Backlog
        {
            get => _backlog;
            set
            {
                var had = _backlog;
                _backlog = value;
                if (had && !value)
                {
                    backlogCleared();
                }
            }
        }
    }

    /// <summary>One telemetry stream's pipeline state: its share of the devices, the last store sequence sent, the
    /// next batch being read, the marks of the last confirmed batch being committed. Used by its own loop only.</summary>
    private sealed class TelemetryStream(IForwardQueue queue)
    {
        public IForwardQueue Queue { get; } = queue;

        public int Shard => Queue.Shard;

        public long Cursor { get; set; }

        public Task<IReadOnlyList<EventRecord>>? Prefetch { get; set; }

        public Task? Marks { get; set; }
    }
}
