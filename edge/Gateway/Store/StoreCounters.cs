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

    public void Committed() => Interlocked.Increment(ref _commits);

    public void WalRestarted() => Interlocked.Increment(ref _walRestarts);
}
