using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Firmware.Core.Text;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// Any <see cref="IUpstream"/> with its observations: each send's latency by lane, its failure's kind, the upstream's
/// state, and the events it confirmed by lane and type (<see cref="UpstreamMetrics"/>). It wraps whichever upstream the
/// host chose, so every upstream kind is observed the same way without code of its own. It calls the inner upstream on
/// the caller's thread, before any await: an alarm stream's synchronous send (<see cref="UpstreamCallContext"/>) stays
/// synchronous.
/// </summary>
public sealed class ObservedUpstream : IUpstream
{
    private readonly IUpstream _inner;
    private readonly UpstreamMetrics _metrics;
    private readonly TimeProvider _time;

    public ObservedUpstream(IUpstream inner, UpstreamMetrics metrics, TimeProvider time)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        Kind = KindOf(inner);
        metrics.Register(Kind);
    }

    /// <summary>The upstream's kind label: its type's name without "Upstream", lower case (HttpUpstream: <c>http</c>).</summary>
    public string Kind { get; }

    public static string KindOf(IUpstream upstream)
    {
        var name = upstream.GetType().Name;
        return (name.EndsWith("Upstream", StringComparison.Ordinal) && name.Length > "Upstream".Length ? name[..^"Upstream".Length] : name).ToLowerInvariant();
    }

    public Task<UpstreamAnswer> SendAsync(IReadOnlyList<EventRecord> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return _inner.SendAsync(batch, cancellationToken);
        }

        var started = _time.GetTimestamp();
        Task<UpstreamAnswer> sending;
        try
        {
            sending = _inner.SendAsync(batch, cancellationToken);
        }
        catch (Exception exception)
        {
            Failed(batch, exception, cancellationToken);
            throw;
        }

        return sending.IsCompletedSuccessfully ? Task.FromResult(Answered(batch, sending.Result, started)) : ObserveAsync(batch, sending, started, cancellationToken);
    }

    public Task WarmAsync(CancellationToken cancellationToken) => _inner.WarmAsync(cancellationToken);

    private async Task<UpstreamAnswer> ObserveAsync(IReadOnlyList<EventRecord> batch, Task<UpstreamAnswer> sending, long started, CancellationToken cancellationToken)
    {
        try
        {
            return Answered(batch, await sending.ConfigureAwait(true), started);
        }
        catch (Exception exception)
        {
            Failed(batch, exception, cancellationToken);
            throw;
        }
    }

    private UpstreamAnswer Answered(IReadOnlyList<EventRecord> batch, UpstreamAnswer answer, long started)
    {
        _metrics.Succeeded(Kind, batch[0].Lane, _time.GetElapsedTime(started), _time.GetUtcNow().ToUnixTimeMilliseconds());
        if (answer.Accepted.Count > 0)
        {
            var accepted = answer.Accepted.ToHashSet(StringComparer.Ordinal);
            foreach (var record in batch)
            {
                if (accepted.Contains(record.Id))
                {
                    _metrics.EventsOut.Count(record.Lane, record.Type);
                }
            }
        }

        return answer;
    }

    private void Failed(IReadOnlyList<EventRecord> batch, Exception exception, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return; // the gateway is stopping: not the upstream's failure
        }

        // The message may carry what the upstream sent (a reason phrase): escaped and capped like any untrusted text.
        _metrics.Failed(Kind, batch[0].Lane, UpstreamErrorKind.Of(exception), LogText.Untrusted(exception.Message, 200), _time.GetUtcNow().ToUnixTimeMilliseconds());
    }
}
