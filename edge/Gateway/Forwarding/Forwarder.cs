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
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(
            Task.Run(() => RunLaneAsync(EventTypes.AlarmLane, stoppingToken), CancellationToken.None),
            Task.Run(() => RunLaneAsync(EventTypes.TelemetryLane, stoppingToken), CancellationToken.None));

    private async Task RunLaneAsync(string lane, CancellationToken stoppingToken)
    {
        Func<CancellationToken, ValueTask<int>> sendOne = cancellationToken => SendOneBatchAsync(lane, cancellationToken);
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

        var answer = await _upstream.SendAsync(batch, cancellationToken).ConfigureAwait(false);
        var inBatch = batch.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var accepted = answer.Accepted.Where(inBatch.Contains).ToList();
        var rejected = answer.Rejected.Where(r => inBatch.Contains(r.Id)).ToList();
        if (accepted.Count == 0 && rejected.Count == 0)
        {
            throw new UpstreamException($"upstream took none of {batch.Count} events");
        }

        await _store.MarkAsync(accepted, ForwardState.Forwarded, CancellationToken.None).ConfigureAwait(false);
        if (rejected.Count > 0)
        {
            // The upstream will never take these; resending would block the lane forever. Kept in the store.
            await _store.MarkAsync(rejected.Select(r => r.Id).ToList(), ForwardState.RejectedUpstream, CancellationToken.None).ConfigureAwait(false);
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
}
