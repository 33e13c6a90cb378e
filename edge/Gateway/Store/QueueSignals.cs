namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// One sticky <see cref="WakeSignal"/> per forward queue (lane, shard), all made when the store opens: a commit wakes
/// exactly the queues it stored rows for, and a commit before a stream's first wait is not missed (each starts set,
/// so a stream's first wait returns at once and it reads, which it must do at start anyway).
/// </summary>
internal sealed class QueueSignals : IDisposable
{
    private readonly WakeSignal[] _signals;
    private readonly int[] _firstIndexByCode;

    public QueueSignals(LaneSet lanes)
    {
        _firstIndexByCode = new int[lanes.InPriorityOrder.Max(l => l.Code) + 1];
        var count = 0;
        foreach (var lane in lanes.InPriorityOrder)
        {
            _firstIndexByCode[lane.Code] = count;
            count += lane.Shards;
        }

        _signals = Enumerable.Range(0, count).Select(_ => new WakeSignal(signalled: true)).ToArray();
    }

    public int Count => _signals.Length;

    /// <summary>The index of a queue, 0 .. <see cref="Count"/> - 1.</summary>
    public int IndexOf(Lane lane, int shard) => _firstIndexByCode[lane.Code] + shard;

    public WakeSignal this[int index] => _signals[index];

    public void Dispose()
    {
        foreach (var signal in _signals)
        {
            signal.Dispose();
        }
    }
}
