namespace Eldercare.Edge.Gateway.Store;

/// <summary>The SQLite store's running counts, shared by its facade (which reads them) and its writer (which moves them).</summary>
internal sealed class StoreCounters
{
    private long _pending;
    private int _queueDepth;
    private long _commits;
    private long _walRestarts;

    public StoreCounters(long pending) => _pending = pending;

    public long Pending => Interlocked.Read(ref _pending);

    public int QueueDepth => Volatile.Read(ref _queueDepth);

    public long Commits => Interlocked.Read(ref _commits);

    public long WalRestarts => Interlocked.Read(ref _walRestarts);

    public void AddPending(long delta) => Interlocked.Add(ref _pending, delta);

    public void Queued() => Interlocked.Increment(ref _queueDepth);

    public void Dequeued(int count) => Interlocked.Add(ref _queueDepth, -count);

    public void Committed()
    {
        Interlocked.Increment(ref _commits);
        Volatile.Write(ref _lastCommitError, null);
    }

    private long _commitFailures;
    private string? _lastCommitError;

    /// <summary>Commits that failed (disk full, I/O error, locked): nobody in them was acknowledged.</summary>
    public long CommitFailures => Interlocked.Read(ref _commitFailures);

    /// <summary>Why the last commit failed; null once a commit succeeded again (the store is writable).</summary>
    public string? LastCommitError => Volatile.Read(ref _lastCommitError);

    public void CommitFailed(string error)
    {
        Interlocked.Increment(ref _commitFailures);
        Volatile.Write(ref _lastCommitError, error);
    }

    public void WalRestarted() => Interlocked.Increment(ref _walRestarts);
}
