using Eldercare.Edge.Gateway.Store;
using Microsoft.Extensions.Logging;
using Polly;

namespace Eldercare.Edge.Gateway.Forwarding;

// Size (~340 lines): one job, sending a queue in order; the cursor, the marks and the prefetch are one state machine
// that the read, the answer and the failure paths all move. The express source (ExpressSender), the answer rule
// (ForwardReport), the scheduling (LaneScheduler) and the thread (DedicatedThread) are out.
/// <summary>
/// Sends one forward queue (a lane's shard) upstream, in store order, one POST at a time, so each device's order
/// within the lane holds at the platform. It owns its cursor (the store sequence after which it reads next: the next
/// batch is read while the previous one's marks commit), its marks, the partial-answer rule (the rest of a batch goes
/// again before anything stored after it) and its retries (unlimited, exponential with jitter, on the injected clock),
/// and waits for its turn behind lanes before its own (<see cref="LaneScheduler"/>). After a failure, a partial answer
/// or an empty read, the cursor returns to the start once the marks queued so far are in: nothing skipped, nothing
/// accepted sent twice. Optional: an express source (<see cref="AlarmExpress"/>) whose alarms it posts before their
/// commit, and the <see cref="ForwardStreamOptions"/> an alarm stream runs with.
/// <para>Awaits capture the context on purpose (<c>ConfigureAwait(true)</c>): on a dedicated thread every step of the
/// loop comes back to it (<see cref="DedicatedThread"/>).</para>
/// </summary>
public sealed class ForwardStream
{
    private readonly IForwardQueue _queue;
    private readonly IUpstream _upstream;
    private readonly ForwardStreamOptions _options;
    private readonly LaneScheduler _scheduler;
    private readonly ResiliencePipeline _retry;
    private readonly ForwardReport _report;
    private readonly AlarmExpress? _express;
    private readonly TimeProvider _time;

    // The loop's own state (one loop per stream).
    private long _cursor;
    private readonly List<Task> _marks = [];
    private Task<IReadOnlyList<EventRecord>>? _prefetch;
    private long _prefetchStamp;
    private bool _backlog = true;

    private readonly ExpressSender? _expressSender;

    /// <param name="express">The express source of this stream's shard (alarm lane only), or null.</param>
    public ForwardStream(IForwardQueue queue, IUpstream upstream, ForwardStreamOptions options, LaneScheduler scheduler, ResiliencePipeline retry, ForwardReport report, TimeProvider time, AlarmExpress? express)
    {
        _queue = queue ?? throw new ArgumentNullException(nameof(queue));
        _upstream = upstream ?? throw new ArgumentNullException(nameof(upstream));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _retry = retry ?? throw new ArgumentNullException(nameof(retry));
        _report = report ?? throw new ArgumentNullException(nameof(report));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _express = express;
        _expressSender = express is null ? null : new ExpressSender(express, queue.Shard, upstream, report, MarkAnswerAsync, queue.NewEvents.Set, Name);
    }

    public string Name => $"{_queue.Lane.Name}-{_queue.Shard}";

    public bool RunsOnItsOwnThread => _options.DedicatedThread;

    /// <summary>The loop: express first, then the store with retries, then sleep until a commit (or an offer) wakes it.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        if (_options.DedicatedThread)
        {
            UpstreamCallContext.MarkCallerOwnsThread();
        }

        if (_options.WarmUpstream)
        {
            await WarmQuietlyAsync(stoppingToken).ConfigureAwait(true);
        }

        var shard = _queue.Shard;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (_expressSender is not null && !stoppingToken.IsCancellationRequested
                    && await _expressSender.SendAsync(_options.BatchSize, stoppingToken).ConfigureAwait(true))
                {
                }

                // A closed express stream opens again after a store pass that left nothing to send (AlarmExpress).
                var ticket = _express?.ReopenTicket(shard);
                var drained = false;
                while (!stoppingToken.IsCancellationRequested && !(_express?.HasQueued(shard) ?? false))
                {
                    if (await SendWithRetriesAsync(stoppingToken).ConfigureAwait(true) < 0)
                    {
                        drained = true;
                        break;
                    }
                }

                if (drained && ticket is { } reopen)
                {
                    _express!.TryReopen(shard, reopen);
                }

                if (!(_express?.HasQueued(shard) ?? false))
                {
                    await WaitForNewEventsAsync(stoppingToken).ConfigureAwait(true);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // A bug, not an outage (outages are retried inside the pipeline): log, pause, go on.
                _report.Logger.LogError(exception, "forwarder loop error (stream {Stream})", Name);
                try
                {
                    await Task.Delay(_options.ErrorPause, _time, stoppingToken).ConfigureAwait(true);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async ValueTask<int> SendWithRetriesAsync(CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(null, _options.DedicatedThread, cancellationToken);
        try
        {
            return await _retry.ExecuteAsync(static (context, stream) => stream.SendBatchAsync(context.CancellationToken), context, this).ConfigureAwait(true);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>One batch from the store: -1 when nothing is left to send, else how many were confirmed; throws to retry.</summary>
    private async ValueTask<int> SendBatchAsync(CancellationToken cancellationToken)
    {
        await _scheduler.WaitForTurnAsync(_queue.Lane.Priority, cancellationToken).ConfigureAwait(true);
        if (_cursor == 0)
        {
            await SettleMarksAsync(cancellationToken).ConfigureAwait(true);
        }

        IReadOnlyList<EventRecord> batch;
        // When this batch's read began (express releases after it may still be pending rows in it).
        var readStamp = _prefetch is not null ? _prefetchStamp : _expressSender?.ReadStamp() ?? 0;
        try
        {
            batch = _prefetch is { } prefetch ? await prefetch.ConfigureAwait(true) : await ReadAsync(_cursor, cancellationToken).ConfigureAwait(true);
        }
        catch
        {
            _cursor = 0;
            throw;
        }
        finally
        {
            _prefetch = null;
        }

        if (batch.Count == 0 && _cursor != 0)
        {
            // Marks still committing while the express path is open: the next wake settles them; no wait for an alarm.
            // Rows behind the cursor the express path posted and not yet released: reading from the start would only
            // find them again (a spin); their release wakes the stream, and a failed mark is read again then.
            if ((_marks.Exists(m => !m.IsCompleted) && (_express?.IsOpen(_queue.Shard) ?? false)) || (_expressSender?.HasInFlight ?? false))
            {
                SetBacklog(false);
                return -1;
            }

            await SettleMarksAsync(cancellationToken).ConfigureAwait(true);
            readStamp = _expressSender?.ReadStamp() ?? 0;
            batch = await ReadAsync(0, cancellationToken).ConfigureAwait(true);
        }

        // Every later read begins after this one: releases up to its stamp are committed marks it will see.
        _expressSender?.ForgetBefore(readStamp);

        var toSend = new List<EventRecord>(batch.Count);
        var processedUpTo = _cursor;
        var skipped = 0;
        foreach (var e in batch)
        {
            if (_expressSender?.IsInFlight(e.Id, readStamp) ?? false)
            {
                skipped++;
            }
            else if (_express?.IsQueued(_queue.Shard, e.Id) ?? false)
            {
                break; // the express path posts it, in its device's order
            }
            else
            {
                toSend.Add(e);
            }

            processedUpTo = e.StoreSequence;
        }

        SetBacklog(toSend.Count > 0);
        if (toSend.Count == 0)
        {
            if (skipped == 0)
            {
                return -1;
            }

            // Only rows the express path posted: read on after them; the read after the cursor waits while ids are in
            // flight (above).
            _cursor = processedUpTo;
            return 0;
        }

        var after = processedUpTo;
        _prefetchStamp = _expressSender?.ReadStamp() ?? 0;
        var next = _options.Prefetch ? Task.Run(() => ReadAsync(after, cancellationToken).AsTask(), cancellationToken) : null;
        List<string> accepted;
        List<UpstreamRejection> rejected;
        try
        {
            (accepted, rejected) = ForwardReport.Evaluate(toSend, await _upstream.SendAsync(toSend, cancellationToken).ConfigureAwait(true));
            // At most one batch of marks outstanding: the previous one's are in by now (an alarm's on the writer's
            // priority queue), or the drain waits for the store here rather than queueing without bound.
            await SettleMarksAsync(cancellationToken, resetCursor: false).ConfigureAwait(true);
        }
        catch
        {
            await DiscardAsync(next).ConfigureAwait(true);
            _cursor = 0;
            throw;
        }

        QueueMarks(accepted, rejected);
        if (accepted.Count + rejected.Count == toSend.Count)
        {
            _cursor = processedUpTo;
            _prefetch = next;
        }
        else
        {
            // Partial answer: the rest of this batch goes again, before anything stored after it.
            await DiscardAsync(next).ConfigureAwait(true);
            await SettleMarksAsync(cancellationToken).ConfigureAwait(true);
        }

        return _report.Confirmed(accepted, rejected, _queue.Lane.Urgent);
    }

    private void QueueMarks(List<string> accepted, List<UpstreamRejection> rejected) => _marks.Add(MarkAnswerAsync(accepted, rejected));


    /// <summary>Accepted ids forwarded, rejected ids rejected upstream (kept, never resent).</summary>
    private async Task MarkAnswerAsync(List<string> accepted, List<UpstreamRejection> rejected)
    {
        var forwarded = _queue.MarkAsync(accepted, ForwardState.Forwarded);
        if (rejected.Count > 0)
        {
            await _queue.MarkAsync(rejected.Select(r => r.Id).ToList(), ForwardState.RejectedUpstream).ConfigureAwait(false);
        }

        await forwarded.ConfigureAwait(false);
    }

    /// <summary>
    /// Waits for the marks queued so far; by default then returns the cursor to the start. A failed mark throws
    /// (retried): its events are still pending and are read again from the start.
    /// </summary>
    private async ValueTask SettleMarksAsync(CancellationToken cancellationToken, bool resetCursor = true)
    {
        if (resetCursor)
        {
            _cursor = 0;
        }

        while (_marks.Count > 0)
        {
            var marks = _marks[0];
            _marks.RemoveAt(0);
            try
            {
                await marks.WaitAsync(cancellationToken).ConfigureAwait(true);
            }
            catch
            {
                _cursor = 0;
                throw;
            }
        }
    }

    private ValueTask<IReadOnlyList<EventRecord>> ReadAsync(long after, CancellationToken cancellationToken) =>
        _queue.ReadAfterAsync(after, _options.BatchSize, cancellationToken);

    private async ValueTask WaitForNewEventsAsync(CancellationToken cancellationToken)
    {
        if (_options.DedicatedThread)
        {
            // Blocks the stream's own thread, woken directly by the commit (or an express offer): no thread pool hop.
            _queue.NewEvents.Wait(_options.IdlePoll, cancellationToken);
        }
        else
        {
            await _queue.NewEvents.WaitAsync(_options.IdlePoll, cancellationToken).ConfigureAwait(true);
        }
    }

    private void SetBacklog(bool backlog)
    {
        if (backlog != _backlog)
        {
            _backlog = backlog;
            _scheduler.BacklogChanged(_queue.Lane.Priority, backlog);
        }
    }

    /// <summary>
    /// <see cref="IUpstream.WarmAsync"/> promises not to throw; an upstream that breaks the promise must still not end
    /// the process from a stream's thread (an exception escaping a thread's start method does) nor keep it from running.
    /// </summary>
    private async ValueTask WarmQuietlyAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _upstream.WarmAsync(stoppingToken).ConfigureAwait(true);
        }
        catch (Exception exception)
        {
            if (!stoppingToken.IsCancellationRequested)
            {
                _report.Logger.LogWarning(exception, "warming the upstream path failed (stream {Stream}); the first alarm pays for it", Name);
            }
        }
    }

    private static async ValueTask DiscardAsync(Task<IReadOnlyList<EventRecord>>? prefetch)
    {
        if (prefetch is null)
        {
            return;
        }

        try
        {
            await prefetch.ConfigureAwait(true);
        }
        catch (Exception)
        {
            // A read that is thrown away anyway; the next read starts again from the lowest pending event.
        }
    }
}
