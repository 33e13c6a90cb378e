namespace Eldercare.CloudStub;

/// <summary>Counters since start for <c>GET /api/v1/stats</c>.</summary>
public sealed class StubCounters
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _refused = new(StringComparer.Ordinal);

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

    /// <summary>Events whose id the stub held with another payload (kept under the derived id).</summary>
    public long IdConflicts => Interlocked.Read(ref _idConflicts);

    private long _idConflicts;

    public void CountIdConflict() => Interlocked.Increment(ref _idConflicts);

    public void CountBadBatch() => Interlocked.Increment(ref _badBatches);

    /// <summary>Requests refused as a whole, by reason (<c>unauthorized</c>, <c>malformed_json</c>, <c>too_large</c> ...).</summary>
    public IReadOnlyDictionary<string, long> RefusedByReason => new SortedDictionary<string, long>(_refused, StringComparer.Ordinal);

    public long Refused(string reason) => _refused.TryGetValue(reason, out var n) ? n : 0;

    public void CountRefused(string reason) => _refused.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public void CountFaulted() => Interlocked.Increment(ref _faulted);

    /// <summary>Alarms acknowledged (the first acknowledgement of each; a repeat is not counted).</summary>
    public long Acknowledgements => Interlocked.Read(ref _acknowledgements);

    private long _acknowledgements;

    public void CountAcknowledgement() => Interlocked.Increment(ref _acknowledgements);
}
