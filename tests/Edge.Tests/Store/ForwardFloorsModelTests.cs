using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.Store;

/// <summary>
/// The SQLite store against a model of what is pending, under seeded random work: appends (concurrent, so several
/// share a commit), marks in store order, out of order, of rows no longer pending and rejections, and reopens. After
/// every step each queue reads exactly the model's pending rows in store order, and the pending count agrees: a row the
/// floors or the backlogs lost, or one they kept after its mark, shows here.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ForwardFloorsModelTests
{
    private static readonly LaneSet Lanes = LaneSet.Create(new ForwarderOptions { TelemetryStreams = 2, AlarmStreams = 2 });

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    [DataRow(4)]
    [DataRow(5)]
    [DataRow(6)]
    public async Task RandomWork_EveryQueueReadsWhatTheModelHoldsPending(int seed)
    {
        using var directory = new TempDirectory("floors-model");
        var random = new Random(seed);
        var pending = new List<EventRecord>();
        var seqByDevice = new Dictionary<string, int>();
        // The depth gauge caches for a second of the store's clock: moved on before each look.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var store = Open(directory.Path, time);
        try
        {
            for (var step = 0; step < 60; step++)
            {
                var what = random.Next(10);
                if (what < 4)
                {
                    var batch = Enumerable.Range(0, random.Next(1, 12)).Select(_ => Next(random, seqByDevice)).ToList();
                    var outcomes = await Task.WhenAll(batch.Select(r => store.AppendAsync(r, CancellationToken.None)));
                    Assert.IsTrue(outcomes.All(o => o == AppendOutcome.Stored));
                    pending.AddRange(batch);
                }
                else if (what < 9 && pending.Count > 0)
                {
                    var queue = QueueOf(store, pending[random.Next(pending.Count)]);
                    var read = await queue.ReadAfterAsync(0, 10_000, CancellationToken.None);
                    List<EventRecord> chosen = random.Next(3) == 0
                        ? read.Where(_ => random.Next(2) == 0).ToList()                 // out of order
                        : read.Take(random.Next(1, read.Count + 1)).ToList();         // a prefix, in store order
                    var state = random.Next(6) == 0 ? ForwardState.RejectedUpstream : ForwardState.Forwarded;
                    var ids = chosen.Select(e => e.Id).ToList();
                    if (random.Next(4) == 0)
                    {
                        ids.Add($"pendant-9:1:{step}"); // an id no longer (or never) pending
                    }

                    Assert.AreEqual(chosen.Count, await queue.MarkAsync(ids, state), $"seed {seed} step {step}: marked");
                    pending.RemoveAll(e => chosen.Exists(c => c.Id == e.Id));
                }
                else
                {
                    await store.DisposeAsync();
                    store = Open(directory.Path, time);
                }

                time.Advance(TimeSpan.FromSeconds(2));
                await AssertMatchesAsync(store, pending, $"seed {seed} step {step}");
            }
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    private static SqliteEventStore Open(string directory, TimeProvider time) => TestStores.OpenSqlite(new StoreOptions { DataDirectory = directory }, time, Lanes);

    private static EventRecord Next(Random random, Dictionary<string, int> seqByDevice)
    {
        var device = $"pendant-{random.Next(6)}";
        var seq = seqByDevice[device] = seqByDevice.GetValueOrDefault(device) + 1;
        return TestEvents.Record(device, seq, random.Next(4) == 0 ? EventTypes.Sos : EventTypes.Heartbeat);
    }

    private static IForwardQueue QueueOf(SqliteEventStore store, EventRecord record)
    {
        var lane = store.Lanes[record.Lane];
        return store.Get(lane, lane.ShardOf(record.DeviceId));
    }

    private static async Task AssertMatchesAsync(SqliteEventStore store, List<EventRecord> pending, string where)
    {
        foreach (var lane in store.Lanes.InPriorityOrder)
        {
            for (var shard = 0; shard < lane.Shards; shard++)
            {
                var expected = pending.Where(e => e.Lane == lane.Name && lane.ShardOf(e.DeviceId) == shard).Select(e => e.Id).ToList();
                var read = await store.Get(lane, shard).ReadAfterAsync(0, 10_000, CancellationToken.None);
                CollectionAssert.AreEqual(expected, read.Select(e => e.Id).ToList(), $"{where}: {lane.Name}-{shard}");
                if (read.Count > 1)
                {
                    var after = await store.Get(lane, shard).ReadAfterAsync(read[0].StoreSequence, 10_000, CancellationToken.None);
                    CollectionAssert.AreEqual(expected.Skip(1).ToList(), after.Select(e => e.Id).ToList(), $"{where}: {lane.Name}-{shard} after a cursor");
                }
            }
        }

        Assert.AreEqual(pending.Count, store.PendingCount, $"{where}: pending count");
        var depths = store.ReadLaneDepths();
        Assert.AreEqual(pending.Count, depths.Sum(d => d.Pending), $"{where}: lane depths");
    }
}
