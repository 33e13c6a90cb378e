namespace Eldercare.Edge.Gateway.Hosting;

/// <summary>
/// The store is alive while its writer runs and, when writes wait, commits keep coming: writes queued and no commit
/// for <c>stallAfter</c> means the writer is stuck (a hung fsync, a dead disk), and devices would get no PUBACK.
/// An idle store (nothing queued) is healthy however long since its last commit.
/// </summary>
public sealed class StoreProgressCheck
{
    private readonly Func<long> _commits;
    private readonly Func<int> _queueDepth;
    private readonly Func<bool> _writerRunning;
    private readonly TimeProvider _time;
    private readonly TimeSpan _stallAfter;
    private long _lastCommits;
    private long _progressAt;

    public StoreProgressCheck(Func<long> commits, Func<int> queueDepth, Func<bool> writerRunning, TimeProvider time, TimeSpan stallAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(stallAfter, TimeSpan.Zero);
        _commits = commits;
        _queueDepth = queueDepth;
        _writerRunning = writerRunning;
        _time = time;
        _stallAfter = stallAfter;
        _lastCommits = commits();
        _progressAt = time.GetTimestamp();
    }

    /// <summary>Null while healthy, else the reason (the shape of <see cref="LivenessCheck.Problem"/>).</summary>
    public string? Problem()
    {
        if (!_writerRunning())
        {
            return "the store's writer thread is not running";
        }

        var commits = _commits();
        var now = _time.GetTimestamp();
        if (commits != _lastCommits || _queueDepth() == 0)
        {
            _lastCommits = commits;
            _progressAt = now;
            return null;
        }

        var waited = _time.GetElapsedTime(_progressAt, now);
        return waited >= _stallAfter
            ? $"{_queueDepth()} writes queued and no commit for {waited.TotalSeconds:0} s"
            : null;
    }
}
