namespace Eldercare.CloudStub;

/// <summary>Counters since start for <c>GET /api/v1/stats</c>.</summary>
public sealed class StubCounters
{
    private long _batches;
    private long _duplicates;
    private long _rejectedEvents;
    private long _badBatches;
    private long _faulted;

    public long Batches => Interlocked.Read(ref _batches);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long RejectedEvents => Interlocked.Read(ref _rejectedEvents);

    public long BadBatches => Interlocked.Read(ref _badBatches);

    public long Faulted => Interlocked.Read(ref _faulted);

    public void CountBatch() => Interlocked.Increment(ref _batches);

    public void CountDuplicates(int n) => Interlocked.Add(ref _duplicates, n);

    public void CountRejected(int n) => Interlocked.Add(ref _rejectedEvents, n);

    public void CountBadBatch() => Interlocked.Increment(ref _badBatches);

    public void CountFaulted() => Interlocked.Increment(ref _faulted);
}
