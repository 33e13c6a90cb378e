namespace Eldercare.Edge.Gateway.Store;

/// <summary>The forwarder's side of the store: one <see cref="IForwardQueue"/> per lane and shard, all made when the
/// store opens (so their signals exist before the first commit).</summary>
public interface IForwardQueues
{
    /// <summary>The lanes the queues were made for; a queue per shard of each.</summary>
    LaneSet Lanes { get; }

    /// <summary>The queue of <paramref name="lane"/>'s shard <paramref name="shard"/> (0 .. <see cref="Lane.Shards"/> - 1).</summary>
    IForwardQueue Get(Lane lane, int shard);
}
