using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eldercare.Edge.Tests.Support;

/// <summary>Stores as tests open them, and what tests read from a store's queues.</summary>
public static class TestStores
{
    /// <summary>The gateway's lanes with the shipped stream counts.</summary>
    public static LaneSet DefaultLanes { get; } = LaneSet.Create(new ForwarderOptions());

    public static SqliteEventStore OpenSqlite(StoreOptions options, TimeProvider? time = null, LaneSet? lanes = null) =>
        SqliteEventStore.Open(options, lanes ?? DefaultLanes, NullLogger.Instance, new StoreMetrics(), time ?? TimeProvider.System);

    /// <summary>Every pending event of the lane (all its shards), in store order.</summary>
    public static async Task<List<EventRecord>> PendingAsync(IForwardQueues queues, string lane, int maxPerShard = 10_000)
    {
        var all = new List<EventRecord>();
        var theLane = queues.Lanes[lane];
        for (var shard = 0; shard < theLane.Shards; shard++)
        {
            all.AddRange(await queues.Get(theLane, shard).ReadAfterAsync(0, maxPerShard, CancellationToken.None));
        }

        return all.OrderBy(e => e.StoreSequence).ToList();
    }

    /// <summary>Every pending event, lane by lane in priority order, each lane in store order.</summary>
    public static async Task<List<EventRecord>> PendingAsync(IForwardQueues queues)
    {
        var all = new List<EventRecord>();
        foreach (var lane in queues.Lanes.InPriorityOrder)
        {
            all.AddRange(await PendingAsync(queues, lane.Name));
        }

        return all;
    }

    /// <summary>Marks ids forwarded through the queues that own them (as the forward streams do).</summary>
    public static async Task<int> MarkForwardedAsync(IForwardQueues queues, IEnumerable<EventRecord> events)
    {
        var changed = 0;
        foreach (var group in events.GroupBy(e => (e.Lane, queues.Lanes[e.Lane].ShardOf(e.DeviceId))))
        {
            changed += await queues.Get(queues.Lanes[group.Key.Lane], group.Key.Item2).MarkAsync(group.Select(e => e.Id).ToList(), ForwardState.Forwarded);
        }

        return changed;
    }
}
