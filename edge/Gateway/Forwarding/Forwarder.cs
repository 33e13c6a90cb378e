using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Firmware.Core.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// Sends stored events upstream in batches, alarm lane first, each lane in store order (so per-device
/// order holds within a lane). Each retry re-reads the batch, so an alarm that arrived during an outage
/// overtakes the telemetry that was queued before it. Retries never end (an acknowledged event is never
/// given up) and back off exponentially with jitter, capped at <see cref="ForwarderOptions.MaxBackoffMilliseconds"/>
/// so delivery resumes within about that long after the upstream returns. Wakes on each commit.
/// </summary>
public sealed class Forwarder : BackgroundService
{
    /// <summary>Safety net only: commits wake the loop through the store's signal.</summary>
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(5);

    private readonly IEventStore _store;
    private readonly IUpstream _upstream;
    private readonly ForwarderOptions _options;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<Forwarder> _logger;
    private readonly ResiliencePipeline _retry;

    // True while the alarm lane has events it has not delivered yet (true until its first read). The
    // telemetry lane holds back then, so after an outage the backlog of alarms reaches the platform
    // before any buffered telemetry; a telemetry POST already in flight does not delay an alarm.
    private volatile bool _alarmBacklog = true;

    // Telemetry lane pipeline state (its loop only): last store sequence sent, the next batch being read, the
    // marks of the last confirmed batch being committed.
    private long _telemetryCursor;
    private Task<IReadOnlyList<EventRecord>>? _telemetryPrefetch;
    private Task? _telemetryMarks;

    public Forwarder(IEventStore store, IUpstream upstream, ForwarderOptions options, GatewayMetrics metrics, ILogger<Forwarder> logger, TimeProvider? time = null)
    {
        _store = store;
        _upstream = upstream;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        var builder = new ResiliencePipelineBuilder();
        if (time is not null)
        {
            builder.TimeProvider = time;
        }

        _retry = builder
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

    /// <summary>Sends everything pending now; returns how many events were confirmed. Used by the loop and by tests.</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var confirmed = await _retry.ExecuteAsync(SendOneBatchAsync, cancellationToken).ConfigureAwait(false);
            if (confirmed < 0)
            {
                return total;
            }

            total += confirmed;
        }

        return total;
    }

    /// <summary>
    /// Two loops, one per lane, each in store order (so per-device order within a lane holds): an alarm never
    /// waits for a 1,000-event telemetry POST in flight, it goes in its own request as soon as it is committed.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The alarm lane blocks on its own thread (store waits, HTTP with synchronous I/O): under a reconnect storm
        // the thread pool's queue holds ~1,000 items, and an alarm's every await would wait behind them.
        var alarmLaneDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var alarmThread = new Thread(() =>
        {
            try
            {
                RunAlarmLane(stoppingToken);
            }
            finally
            {
                alarmLaneDone.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = "forwarder-alarms",
        };
        alarmThread.Start();
        return Task.WhenAll(
            alarmLaneDone.Task,
            Task.Run(() => RunLaneAsync(EventTypes.TelemetryLane, stoppingToken), CancellationToken.None));
    }

    private void RunAlarmLane(CancellationToken stoppingToken)
    {
        Func<CancellationToken, int> sendOne = cancellationToken => SendOneAlarmBatch(cancellationToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (!stoppingToken.IsCancellationRequested && _retry.Execute(sendOne, stoppingToken) >= 0)
                {
                }

                _store.WaitForNewEvents(EventTypes.AlarmLane, IdlePoll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                _logger.LogError(exception, "forwarder loop error (alarm lane)");
                stoppingToken.WaitHandle.WaitOne(_options.MaxBackoffMilliseconds);
            }
        }
    }

    /// <summary>
    /// <see cref="SendOneBatchAsync(string?, CancellationToken)"/> for the alarm lane, blocking: the store's read and
    /// the wait for its commit (a task's blocking wait is woken directly, no thread pool hop) and synchronous HTTP I/O.
    /// </summary>
    private int SendOneAlarmBatch(CancellationToken cancellationToken)
    {
        var batch = _store.ReadPending(EventTypes.AlarmLane, _options.BatchSize, cancellationToken);
        _alarmBacklog = batch.Count > 0;
        if (batch.Count == 0)
        {
            return -1;
        }

        var (accepted, rejected) = Evaluate(batch, _upstream.Send(batch, cancellationToken));
        _store.MarkAlarmsAsync(accepted, ForwardState.Forwarded, CancellationToken.None).GetAwaiter().GetResult();
        if (rejected.Count > 0)
        {
            _store.MarkAlarmsAsync(rejected.Select(r => r.Id).ToList(), ForwardState.RejectedUpstream, CancellationToken.None).GetAwaiter().GetResult();
        }

        return Confirmed(accepted, rejected);
    }

    /// <summary>
    /// The telemetry lane, pipelined: while a batch is in flight the next one is read (after the last store
    /// sequence sent) and the previous batch's marks are committed, so the upstream, not the gateway's own
    /// SQLite work, sets the pace of a drain. One POST in flight at a time, so per-device order holds at the
    /// cloud. After anything unusual (failure, a partial answer, an empty read) the cursor goes back to the
    /// lowest pending event, once the earlier marks are committed, so nothing is skipped or sent twice.
    /// </summary>
    private async ValueTask<int> SendTelemetryBatchAsync(CancellationToken cancellationToken)
    {
        while (_alarmBacklog)
        {
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }

        if (_telemetryCursor == 0)
        {
            await FlushTelemetryMarksAsync().ConfigureAwait(false);
        }

        IReadOnlyList<EventRecord> batch;
        try
        {
            batch = _telemetryPrefetch is { } prefetch
                ? await prefetch.ConfigureAwait(false)
                : await _store.ReadPendingAsync(EventTypes.TelemetryLane, _telemetryCursor, _options.BatchSize, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _telemetryCursor = 0;
            throw;
        }
        finally
        {
            _telemetryPrefetch = null;
        }

        if (batch.Count == 0)
        {
            await FlushTelemetryMarksAsync().ConfigureAwait(false);
            _telemetryCursor = 0;
            return -1;
        }

        _telemetryCursor = batch[^1].StoreSequence;
        var after = _telemetryCursor;
        var next = Task.Run(() => _store.ReadPendingAsync(EventTypes.TelemetryLane, after, _options.BatchSize, cancellationToken), cancellationToken);
        List<string> accepted;
        List<UpstreamRejection> rejected;
        try
        {
            (accepted, rejected) = Evaluate(batch, await _upstream.SendAsync(batch, cancellationToken).ConfigureAwait(false));
            await FlushTelemetryMarksAsync().ConfigureAwait(false);
        }
        catch
        {
            await DiscardAsync(next).ConfigureAwait(false);
            _telemetryCursor = 0;
            throw;
        }

        _telemetryMarks = MarkAnswerAsync(accepted, rejected);
        if (accepted.Count + rejected.Count < batch.Count)
        {
            // Partial answer: the rest of this batch goes again, before anything stored after it.
            await DiscardAsync(next).ConfigureAwait(false);
            _telemetryCursor = 0;
        }
        else
        {
            _telemetryPrefetch = next;
        }

        return Confirmed(accepted, rejected);
    }

    private async Task MarkAnswerAsync(List<string> accepted, List<UpstreamRejection> rejected)
    {
        await _store.MarkAsync(accepted, ForwardState.Forwarded, CancellationToken.None).ConfigureAwait(false);
        if (rejected.Count > 0)
        {
            await _store.MarkAsync(rejected.Select(r => r.Id).ToList(), ForwardState.RejectedUpstream, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task FlushTelemetryMarksAsync()
    {
        if (_telemetryMarks is not { } marks)
        {
            return;
        }

        _telemetryMarks = null;
        try
        {
            await marks.ConfigureAwait(false);
        }
        catch
        {
            _telemetryCursor = 0;
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
                _logger.LogWarning("upstream rejected {Id}: {Reason}", r.Id, r.Reason);
            }
        }

        _metrics.CountForwarded(accepted.Count);
        _logger.LogInformation("forwarded {Count} events", accepted.Count);
        return accepted.Count;
    }

    private async Task RunLaneAsync(string lane, CancellationToken stoppingToken)
    {
        Func<CancellationToken, ValueTask<int>> sendOne = lane == EventTypes.TelemetryLane
            ? SendTelemetryBatchAsync
            : cancellationToken => SendOneBatchAsync(lane, cancellationToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (!stoppingToken.IsCancellationRequested && await _retry.ExecuteAsync(sendOne, stoppingToken).ConfigureAwait(false) >= 0)
                {
                }

                await _store.WaitForNewEventsAsync(lane, IdlePoll, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // A bug, not an outage (outages are retried inside DrainAsync): log, go on.
                _logger.LogError(exception, "forwarder loop error");
                await Task.Delay(_options.MaxBackoffMilliseconds, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One batch: -1 when nothing is pending, else the number confirmed. Throws to trigger a retry.</summary>
    private ValueTask<int> SendOneBatchAsync(CancellationToken cancellationToken) => SendOneBatchAsync(null, cancellationToken);

    private async ValueTask<int> SendOneBatchAsync(string? lane, CancellationToken cancellationToken)
    {
        if (lane == EventTypes.TelemetryLane)
        {
            while (_alarmBacklog)
            {
                await Task.Delay(5, cancellationToken).ConfigureAwait(false);
            }
        }

        var batch = lane is null
            ? await _store.ReadPendingAsync(_options.BatchSize, cancellationToken).ConfigureAwait(false)
            : await _store.ReadPendingAsync(lane, _options.BatchSize, cancellationToken).ConfigureAwait(false);
        if (lane == EventTypes.AlarmLane)
        {
            _alarmBacklog = batch.Count > 0;
        }

        if (batch.Count == 0)
        {
            return -1;
        }

        var (accepted, rejected) = Evaluate(batch, await _upstream.SendAsync(batch, cancellationToken).ConfigureAwait(false));
        await _store.MarkAsync(accepted, ForwardState.Forwarded, CancellationToken.None).ConfigureAwait(false);
        if (rejected.Count > 0)
        {
            await _store.MarkAsync(rejected.Select(r => r.Id).ToList(), ForwardState.RejectedUpstream, CancellationToken.None).ConfigureAwait(false);
        }

        return Confirmed(accepted, rejected);
    }
}
