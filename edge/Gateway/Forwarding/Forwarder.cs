using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// Runs one <see cref="ForwardStream"/> per lane and shard, scheduled in lane priority order (<see cref="LaneScheduler"/>):
/// an urgent lane's streams (alarms) each on a thread of their own, warmed at start and fed by the alarm express path;
/// the other lanes' streams in the thread pool, reading ahead. Retries never end (an acknowledged event is never given
/// up) and back off exponentially with jitter on the injected clock, capped at
/// <see cref="ForwarderOptions.MaxBackoffMilliseconds"/> so delivery resumes within about that long after the upstream
/// returns.
/// </summary>
public sealed class Forwarder : BackgroundService
{
    private readonly IForwardQueues _queues;
    private readonly ForwarderOptions _options;
    private readonly ILogger<Forwarder> _logger;
    private readonly List<ForwardStream> _streams = [];

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

        _queues = queues;
        _options = options;
        _logger = logger;
        var report = new ForwardReport(metrics, logger);
        var retry = NewRetryPipeline(options, metrics, logger, time);
        var scheduler = new LaneScheduler(queues.Lanes);
        foreach (var lane in queues.Lanes.InPriorityOrder)
        {
            var streamOptions = new ForwardStreamOptions
            {
                BatchSize = options.BatchSize,
                DedicatedThread = lane.Urgent,
                ThreadNice = options.AlarmLaneNice,
                WarmUpstream = lane.Urgent,
                Prefetch = !lane.Urgent,
                ErrorPause = TimeSpan.FromMilliseconds(options.MaxBackoffMilliseconds),
            };
            for (var shard = 0; shard < lane.Shards; shard++)
            {
                _streams.Add(new ForwardStream(queues.Get(lane, shard), upstream, streamOptions, scheduler, retry, report, time, lane == queues.Lanes.Alarm ? express : null));
            }
        }
    }

    /// <summary>Every stream's loop until the gateway stops.</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new List<Task>(_streams.Count);
        foreach (var stream in _streams)
        {
            if (stream.RunsOnItsOwnThread)
            {
                running.Add(DedicatedThread.Run($"forwarder-{stream.Name}", SetNice, () => stream.RunAsync(stoppingToken)));
            }
            else
            {
                running.Add(Task.Run(() => stream.RunAsync(stoppingToken), CancellationToken.None));
            }
        }

        return Task.WhenAll(running);
    }

    private void SetNice()
    {
        var refused = Hosting.ThreadNice.TrySetCurrentThread(_options.AlarmLaneNice);
        if (refused is not null && Interlocked.Exchange(ref _niceRefusalLogged, 1) == 0)
        {
            _logger.LogWarning("alarm lane stays at the process's priority (nice {Nice} refused: {Reason})", _options.AlarmLaneNice, refused);
        }
    }

    private int _niceRefusalLogged;

    private static ResiliencePipeline NewRetryPipeline(ForwarderOptions options, GatewayMetrics metrics, ILogger logger, TimeProvider time) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
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
                    metrics.CountForwardFailure();
                    logger.LogWarning("forward failed (attempt {Attempt}), retry in {Delay} ms: {ErrorKind}: {Error}",
                        args.AttemptNumber + 1, (int)args.RetryDelay.TotalMilliseconds,
                        args.Outcome.Exception is { } failure ? UpstreamErrorKind.Of(failure) : UpstreamErrorKind.Other, args.Outcome.Exception?.Message);
                    return default;
                },
            })
            .Build();
}
