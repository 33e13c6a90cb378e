using Eldercare.Edge.Gateway.Store;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// A forward stream's express source (<see cref="AlarmExpress"/>): posts the alarms ingest offered for the stream's
/// shard before their commit, then marks them once their commits are in. Until those marks are committed their ids are
/// "in flight", and the stream's store pass skips their rows instead of posting them again. A read that began before
/// the marks committed still holds the rows as pending: an id released after a read began counts as in flight for that
/// read (<see cref="ReadStamp"/>), and the released ids are forgotten once no read that began before them is left
/// (<see cref="ForgetBefore"/>); a release wakes the stream (<c>released</c>). Used by its stream's loop, except the
/// marks' continuation.
/// </summary>
internal sealed class ExpressSender(AlarmExpress express, int shard, IUpstream upstream, ForwardReport report, Func<List<string>, List<UpstreamRejection>, Task> markAnswer, Action released, string streamName)
{
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _released = new(StringComparer.Ordinal);
    private long _releases;

    /// <summary>Taken just before a store read begins: what <see cref="IsInFlight"/> compares releases with.</summary>
    public long ReadStamp()
    {
        lock (_inFlight)
        {
            return _releases;
        }
    }

    /// <summary>Some id this sender posted is waiting for its marks' commit (its release will wake the stream).</summary>
    public bool HasInFlight
    {
        get
        {
            lock (_inFlight)
            {
                return _inFlight.Count > 0;
            }
        }
    }

    /// <summary>
    /// True while the express path posted this id and its marks are not committed yet, or when they were committed after
    /// the read stamped <paramref name="readStamp"/> began (that read may still have seen the row pending).
    /// </summary>
    public bool IsInFlight(string id, long readStamp)
    {
        lock (_inFlight)
        {
            return _inFlight.Contains(id) || (_released.TryGetValue(id, out var at) && at > readStamp);
        }
    }

    /// <summary>No read older than <paramref name="readStamp"/> is left: ids released up to it are seen as forwarded by every later read.</summary>
    public void ForgetBefore(long readStamp)
    {
        lock (_inFlight)
        {
            if (_released.Count == 0)
            {
                return;
            }

            foreach (var id in _released.Where(p => p.Value <= readStamp).Select(p => p.Key).ToList())
            {
                _released.Remove(id);
            }
        }
    }

    /// <summary>
    /// One POST of the alarms offered for this shard, not retried here: after a failure or an unanswered id the express
    /// stream closes and the store pass sends the rest with retries. Its marks follow the alarms' commits on their own
    /// (the stream never waits for them: its store pass skips the ids in flight meanwhile). False when nothing was offered.
    /// </summary>
    public async ValueTask<bool> SendAsync(int batchSize, CancellationToken cancellationToken)
    {
        var items = express.Take(shard, batchSize);
        if (items.Count == 0)
        {
            return false;
        }

        var batch = items.Select(i => i.Record).ToList();
        List<string> accepted;
        List<UpstreamRejection> rejected;
        try
        {
            (accepted, rejected) = ForwardReport.Evaluate(batch, await upstream.SendAsync(batch, cancellationToken).ConfigureAwait(true));
        }
        catch (Exception exception)
        {
            express.Close(shard, items);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            report.Metrics.CountForwardFailure();
            report.Logger.LogWarning("express alarm post failed (stream {Stream}); the store path retries: {Error}", streamName, exception.Message);
            return false;
        }

        var answered = accepted.Concat(rejected.Select(r => r.Id)).ToHashSet(StringComparer.Ordinal);
        lock (_inFlight)
        {
            _inFlight.UnionWith(answered);
        }

        // A resend offered next to its original is one id in the answer: only an id left unanswered closes the stream.
        var unanswered = items.Where(i => !answered.Contains(i.Record.Id)).ToList();
        if (unanswered.Count > 0)
        {
            express.Close(shard, unanswered);
        }

        _ = MarkAfterCommitAsync(items, accepted, rejected, answered);
        report.Metrics.CountAlarmsExpressed(accepted.Count);
        report.Confirmed(accepted, rejected, urgent: true);
        return true;
    }

    /// <summary>Marks once the alarms' commits are in (a failed append leaves no row: nothing to mark), then lets the
    /// store pass see their ids again (a failed mark leaves them pending: read and sent again, a repeat upstream).</summary>
    private async Task MarkAfterCommitAsync(List<AlarmExpress.ExpressItem> items, List<string> accepted, List<UpstreamRejection> rejected, HashSet<string> answered)
    {
        try
        {
            foreach (var item in items)
            {
                try
                {
                    await item.Stored.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Not stored: the device was not acknowledged and sends it again.
                }
            }

            await markAnswer(accepted, rejected).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            report.Logger.LogWarning("express alarm marks failed (stream {Stream}); the alarms stay pending and go again: {Error}", streamName, exception.Message);
        }
        finally
        {
            lock (_inFlight)
            {
                _releases++;
                foreach (var id in answered)
                {
                    _inFlight.Remove(id);
                    _released[id] = _releases;
                }
            }

            // The stream's store pass skipped these rows and waits: let it look again (a failed mark left them pending).
            try
            {
                released();
            }
            catch (ObjectDisposedException)
            {
                // The store closed first (shutdown): nobody is left to wake.
            }
        }
    }
}
