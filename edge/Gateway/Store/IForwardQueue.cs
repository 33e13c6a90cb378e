namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// The pending events of one lane and shard (<see cref="Lane.ShardOf"/>), in store order: what one forward stream
/// reads, marks and waits on. A device is always in the same shard, so a stream that sends its queue in order keeps
/// per-device order within the lane.
/// </summary>
public interface IForwardQueue
{
    Lane Lane { get; }

    int Shard { get; }

    /// <summary>
    /// Up to <paramref name="maxCount"/> pending events stored after <paramref name="afterStoreSequence"/>
    /// (<see cref="EventRecord.StoreSequence"/>; 0 = from the start), in store order. A stream reads its next batch
    /// after the last one it sent, while that one's marks are committing.
    /// </summary>
    ValueTask<IReadOnlyList<EventRecord>> ReadAfterAsync(long afterStoreSequence, int maxCount, CancellationToken cancellationToken);

    /// <summary>
    /// Marks a batch of ids with the upstream's answer (forwarded, or rejected for good); completes, with how many
    /// were still pending, when the marks are committed. Marks of one queue commit in the order they were given, so
    /// waiting for the last one is waiting for all. An id no longer pending (evicted meanwhile) is not an error.
    /// </summary>
    Task<int> MarkAsync(IReadOnlyCollection<string> ids, ForwardState state);

    /// <summary>
    /// Set by every commit that stored events of this queue (and by an express source that offers one). It exists
    /// from the queue's creation and is sticky, so a commit before a stream's first wait is not missed.
    /// </summary>
    WakeSignal NewEvents { get; }
}
