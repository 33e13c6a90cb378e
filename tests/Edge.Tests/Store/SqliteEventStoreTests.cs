using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Edge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eldercare.Edge.Tests.Store;

[TestClass]
[TestCategory("Unit")]
public sealed class SqliteEventStoreTests : EventStoreContractTests
{
    protected override Task<StoreUnderTest> OpenAsync(string directory, LaneSet lanes)
    {
        var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = directory }, lanes: lanes);
        return Task.FromResult(new StoreUnderTest(store, store, store, store, store.DisposeAsync));
    }

    [TestMethod]
    public async Task Append_ConcurrentPublishers_GroupedIntoFewerCommits()
    {
        await using var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath });

        await Task.WhenAll(Enumerable.Range(1, 400).Select(i => store.AppendAsync(TestEvents.Record("pendant-1", i), CancellationToken.None)));

        Assert.IsLessThan(400L, store.CommitCount, $"400 appends took {store.CommitCount} commits");
    }

    [TestMethod]
    public async Task Open_Database_UsesWalAndSynchronousFull()
    {
        await using (TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath }))
        {
        }

        Assert.AreEqual("wal", (string)Scalar("PRAGMA journal_mode"));
    }

    [TestMethod]
    public async Task Append_IdOfEvictedEventWithOtherPayload_ConflictTheTombstoneKeepsTheDigest()
    {
        // A quota so small that every telemetry row is evicted to a tombstone at its own commit.
        await using var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath, MaxTelemetryBytes = 1 });
        var heartbeat = TestEvents.Record("pendant-1", 42, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat);
        await store.AppendAsync(heartbeat, CancellationToken.None);
        Assert.AreEqual(0, store.PendingCount, "evicted (tombstoned)");

        var resend = await store.AppendAsync(heartbeat, CancellationToken.None);
        var sos = await store.AppendAsync(TestEvents.Record("pendant-1", 42), CancellationToken.None);

        Assert.AreEqual(AppendOutcome.Duplicate, resend, "the same payload against its tombstone: a resend");
        Assert.AreEqual(AppendOutcome.Conflict, sos, "another payload against the tombstone: kept under the derived id");
        Assert.AreEqual(1, store.PendingCount);
    }

    [TestMethod]
    public async Task Quota_ExceededByEveryLane_OnlyTheEvictableLaneEvicted()
    {
        await using var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath, MaxTelemetryBytes = 1 });
        var kiosk = TestEvents.Record("kiosk-1", 1, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat) with { Lane = Eldercare.Firmware.Core.Events.EventTypes.ServiceLane };

        await store.AppendAsync(kiosk, CancellationToken.None);
        await store.AppendAsync(TestEvents.Record("pendant-1", 1), CancellationToken.None);
        await store.AppendAsync(TestEvents.Record("pendant-1", 2, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat), CancellationToken.None);

        CollectionAssert.AreEquivalent(new[] { kiosk.Id, "pendant-1:1:1" }, (await TestStores.PendingAsync(store)).Select(e => e.Id).ToList(), "service and alarm kept, telemetry evicted");
        Assert.AreEqual(1, store.Metrics.EvictedQuota);
    }

    [TestMethod]
    public async Task Open_LaneStreamCountChanged_PendingRowsReshardedByTheShardRule()
    {
        var devices = Enumerable.Range(0, 12).Select(i => $"pendant-{i:D2}").ToList();
        await using (var three = TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath }, lanes: LaneSet.Create(new ForwarderOptions { TelemetryStreams = 3 })))
        {
            foreach (var device in devices)
            {
                await three.AppendAsync(TestEvents.Record(device, 1, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat), CancellationToken.None);
            }
        }

        await using var five = TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath }, lanes: LaneSet.Create(new ForwarderOptions { TelemetryStreams = 5 }));
        var lane = five.Lanes[Eldercare.Firmware.Core.Events.EventTypes.TelemetryLane];
        for (var shard = 0; shard < 5; shard++)
        {
            var read = await five.Get(lane, shard).ReadAfterAsync(0, 100, CancellationToken.None);
            CollectionAssert.AreEquivalent(devices.Where(d => ShardRule.Of(d, 5) == shard).ToList(), read.Select(e => e.DeviceId).ToList(), $"shard {shard} of 5");
        }
    }

    [TestMethod]
    public async Task AppendShared_HeartbeatsArrivingApart_ShareOneCommitWithinTheWindow()
    {
        await using var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath, HeartbeatCommitWindowMilliseconds = 2_000 });
        var commitsBefore = store.CommitCount;

        var first = store.AppendSharedAsync(TestEvents.Record("pendant-1", 1, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat), CancellationToken.None);
        var second = store.AppendSharedAsync(TestEvents.Record("pendant-2", 1, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat), CancellationToken.None);
        var third = store.AppendSharedAsync(TestEvents.Record("pendant-3", 1, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat), CancellationToken.None);
        var outcomes = await Task.WhenAll(first, second, third).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.IsTrue(outcomes.All(o => o == AppendOutcome.Stored));
        Assert.AreEqual(commitsBefore + 1, store.CommitCount, "one fsynced commit for the three heartbeats");
    }

    [TestMethod]
    public async Task AppendShared_AlarmArrivesWhileHeartbeatWaits_BothCommittedAtOnce()
    {
        // A window far longer than the test's timeout: only the alarm can end the wait.
        await using var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath, HeartbeatCommitWindowMilliseconds = 5_000 });
        var heartbeat = store.AppendSharedAsync(TestEvents.Record("pendant-1", 1, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat), CancellationToken.None);

        var sos = await store.AppendAsync(TestEvents.Record("pendant-2", 1), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));

        Assert.AreEqual(AppendOutcome.Stored, sos);
        Assert.AreEqual(AppendOutcome.Stored, await heartbeat.WaitAsync(TimeSpan.FromSeconds(2)), "committed with the alarm");
        Assert.AreEqual(2, store.PendingCount);
    }

    [TestMethod]
    public async Task AppendShared_FlushEventArrivesWhileHeartbeatWaits_CommittedAtOnce()
    {
        await using var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath, HeartbeatCommitWindowMilliseconds = 5_000 });
        var heartbeat = store.AppendSharedAsync(TestEvents.Record("pendant-1", 1, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat), CancellationToken.None);

        var flushed = await store.AppendAsync(TestEvents.Record("pendant-2", 1, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));

        Assert.AreEqual(AppendOutcome.Stored, flushed, "an outbox flush never waits for the window");
        Assert.AreEqual(AppendOutcome.Stored, await heartbeat.WaitAsync(TimeSpan.FromSeconds(2)));
    }

    [TestMethod]
    public async Task Open_NewStore_OneKilobytePages()
    {
        await using (TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath }))
        {
        }

        Assert.AreEqual(1024L, (long)Scalar("PRAGMA page_size"));
    }

    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private SqliteEventStore OpenWithClock(Microsoft.Extensions.Time.Testing.FakeTimeProvider time) =>
        TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath, ForwardedRetentionSeconds = 3_600, DedupWindowSeconds = 86_400 }, time);

    [TestMethod]
    public async Task Maintain_ForwardedPastRetention_PrunedIdStillDeduplicatesAndTellsAConflict()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start);
        await using var store = OpenWithClock(time);
        var heartbeat = TestEvents.Record("pendant-1", 1, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat);
        await store.AppendAsync(heartbeat, CancellationToken.None);
        await TestStores.MarkForwardedAsync(store, [heartbeat]);

        time.Advance(TimeSpan.FromSeconds(3_599));
        await store.MaintainAsync(CancellationToken.None);
        Assert.AreEqual(1L, RowCount("events"), "within retention: kept");

        time.Advance(TimeSpan.FromSeconds(2));
        await store.MaintainAsync(CancellationToken.None);

        Assert.AreEqual(0L, RowCount("events"), "past retention: pruned");
        Assert.AreEqual(0L, RowCount("tombstones"), "no tombstone per pruned row");
        Assert.AreEqual(1L, RowCount("ids"), "its id stays in the dedup key");
        Assert.AreEqual(AppendOutcome.Duplicate, await store.AppendAsync(heartbeat, CancellationToken.None), "a late resend is still a duplicate");
        Assert.AreEqual(AppendOutcome.Conflict, await store.AppendAsync(TestEvents.Record("pendant-1", 1), CancellationToken.None), "another payload under the pruned id");
    }

    [TestMethod]
    public async Task Maintain_PrunedIdPastDedupWindow_ExpiredIdIsNewAgain()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start);
        await using var store = OpenWithClock(time);
        var heartbeat = TestEvents.Record("pendant-1", 1, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat);
        await store.AppendAsync(heartbeat, CancellationToken.None);
        await TestStores.MarkForwardedAsync(store, [heartbeat]);
        time.Advance(TimeSpan.FromSeconds(3_601));
        await store.MaintainAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(86_401));
        await store.MaintainAsync(CancellationToken.None);

        Assert.AreEqual(0L, RowCount("ids"), "the dedup window is over");
        Assert.AreEqual(AppendOutcome.Stored, await store.AppendAsync(heartbeat, CancellationToken.None));
    }

    [TestMethod]
    public async Task Maintain_RowsForwardedOutOfStoreOrder_PassStopsAtTheFirstForwardedSinceTheCutoff()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start);
        await using var store = OpenWithClock(time);
        var rows = Enumerable.Range(1, 4).Select(i => TestEvents.Record("pendant-1", i, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat)).ToList();
        foreach (var row in rows)
        {
            await store.AppendAsync(row, CancellationToken.None);
        }

        // 1 and 4 forwarded at once, 2 half an hour later, 3 still pending.
        await TestStores.MarkForwardedAsync(store, [rows[0], rows[3]]);
        time.Advance(TimeSpan.FromMinutes(30));
        await TestStores.MarkForwardedAsync(store, [rows[1]]);

        time.Advance(TimeSpan.FromMinutes(31));
        await store.MaintainAsync(CancellationToken.None);
        Assert.AreEqual(3L, RowCount("events"), "1 pruned; the pass stops at 2 (forwarded since the cutoff), so 4 waits");

        time.Advance(TimeSpan.FromMinutes(30));
        await store.MaintainAsync(CancellationToken.None);
        Assert.AreEqual(1L, RowCount("events"), "2 and 4 pruned, the pending 3 passed over and kept");
        Assert.AreEqual(rows[2].Id, (await TestStores.PendingAsync(store)).Single().Id);
    }

    [TestMethod]
    public async Task Maintain_UnforwardedAlarmLongPastRetention_NeverPruned()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start);
        await using var store = OpenWithClock(time);
        await store.AppendAsync(TestEvents.Record("pendant-1", 1), CancellationToken.None);

        time.Advance(TimeSpan.FromDays(30));
        await store.MaintainAsync(CancellationToken.None);

        Assert.AreEqual(1, store.PendingCount, "an alarm stays until the upstream confirms it (invariant 4)");
        Assert.HasCount(1, await TestStores.PendingAsync(store));
    }

    [TestMethod]
    public async Task MaintenanceLoop_IntervalPassesOnTheStoreClock_Prunes()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start);
        await using var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath, ForwardedRetentionSeconds = 60, DedupWindowSeconds = 60, MaintenanceIntervalSeconds = 60 }, time);
        var heartbeat = TestEvents.Record("pendant-1", 1, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat);
        await store.AppendAsync(heartbeat, CancellationToken.None);
        await TestStores.MarkForwardedAsync(store, [heartbeat]);

        Assert.AreEqual(1L, RowCount("events"));

        time.Advance(TimeSpan.FromSeconds(61));

        // Only the loop runs maintenance here: its timer is on the fake clock, which just passed its interval.
        await Eldercare.TestSupport.Eventually.WaitAsync(() => RowCount("events") == 0, TimeSpan.FromSeconds(10), "the loop's prune");
    }

    [TestMethod]
    public async Task Open_AfterIdsPartlyBatched_EveryStoredIdStillDeduplicatesAndMarks()
    {
        // Three ids go into a batch (the maintenance starts one; its chunk is written before the next batch of
        // appends), two stay in memory only: a stop without a flush is what a crash leaves.
        var first = Enumerable.Range(1, 3).Select(i => TestEvents.Record("pendant-1", i, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat)).ToList();
        var later = Enumerable.Range(4, 2).Select(i => TestEvents.Record("pendant-1", i, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat)).ToList();
        await using (var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath }))
        {
            foreach (var record in first)
            {
                await store.AppendAsync(record, CancellationToken.None);
            }

            await store.MaintainAsync(CancellationToken.None);
            foreach (var record in later)
            {
                await store.AppendAsync(record, CancellationToken.None);
            }
        }

        Assert.AreEqual(3L, RowCount("ids"), "the batch of the first three");
        Assert.AreEqual(3L, (long)Scalar("SELECT MAX(through_seq) FROM id_batches"), "covers the store sequence of the third");

        await using var reopened = TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath });
        foreach (var record in first.Concat(later))
        {
            Assert.AreEqual(AppendOutcome.Duplicate, await reopened.AppendAsync(record, CancellationToken.None), record.Id);
        }

        Assert.AreEqual(AppendOutcome.Conflict, await reopened.AppendAsync(TestEvents.Record("pendant-1", 5), CancellationToken.None), "another payload under an id known from the rows");
        Assert.AreEqual(5, await TestStores.MarkForwardedAsync(reopened, first.Concat(later)), "found through the ids table and the rows read back");
        Assert.AreEqual(1, reopened.PendingCount, "the conflict's row");
    }

    [TestMethod]
    public async Task Append_MoreIdsThanABatch_WrittenInChunksAndStillDuplicates()
    {
        var records = Enumerable.Range(1, IdIndex.BatchIds + 10).Select(i => TestEvents.Record($"pendant-{i % 50}", i, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat)).ToList();
        await using var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath });
        var stored = await Task.WhenAll(records.Select(r => store.AppendAsync(r, CancellationToken.None)));
        Assert.IsTrue(stored.All(o => o == AppendOutcome.Stored));

        // The batch is written between commits and when idle: poll the file until it is complete.
        await Eldercare.TestSupport.Eventually.WaitAsync(() => RowCount("ids") == IdIndex.BatchIds, TimeSpan.FromSeconds(20), "one full batch in ids");

        var again = await Task.WhenAll(records.Select(r => store.AppendAsync(r, CancellationToken.None)));
        Assert.IsTrue(again.All(o => o == AppendOutcome.Duplicate), "every resend a duplicate, batched or not");
        Assert.AreEqual(records.Count, await TestStores.MarkForwardedAsync(store, records));
    }

    [TestMethod]
    public async Task Mark_InStoreOrder_MovesTheQueueFloorRewritesNoRow()
    {
        var heartbeats = Enumerable.Range(1, 3).Select(i => TestEvents.Record("pendant-1", i, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat)).ToList();
        int laneCode, shard;
        await using (var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath }))
        {
            foreach (var heartbeat in heartbeats)
            {
                await store.AppendAsync(heartbeat, CancellationToken.None);
            }

            var lane = store.Lanes[Eldercare.Firmware.Core.Events.EventTypes.TelemetryLane];
            (laneCode, shard) = (lane.Code, lane.ShardOf("pendant-1"));
            Assert.AreEqual(2, await TestStores.MarkForwardedAsync(store, heartbeats.Take(2)));
            Assert.AreEqual(1, store.PendingCount);
        }

        Assert.AreEqual(0L, Scalar("SELECT COUNT(*) FROM events WHERE forwarded <> 0"), "no row rewritten");
        var second = (long)Scalar($"SELECT seq_no FROM events WHERE id = '{heartbeats[1].Id}'");
        Assert.AreEqual(second, Scalar($"SELECT floor FROM forward_floors WHERE lane = {laneCode} AND shard = {shard}"), "the floor is the last row marked");
        Assert.AreEqual(0L, Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'events_queue'"), "no per-row queue index");
        await using var reopened = TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath });
        Assert.AreEqual(heartbeats[2].Id, (await TestStores.PendingAsync(reopened)).Single().Id);
    }

    [TestMethod]
    public async Task Open_EveryRowPrunedBefore_StoreSequenceNotGivenAgainNewRowPending()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start);
        var old = Enumerable.Range(1, 3).Select(i => TestEvents.Record("pendant-1", i, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat)).ToList();
        await using (var store = OpenWithClock(time))
        {
            foreach (var heartbeat in old)
            {
                await store.AppendAsync(heartbeat, CancellationToken.None);
            }

            await TestStores.MarkForwardedAsync(store, old);
            time.Advance(TimeSpan.FromHours(2));
            await store.MaintainAsync(CancellationToken.None);
            Assert.AreEqual(0L, RowCount("events"), "every row pruned");
        }

        await using var reopened = OpenWithClock(time);
        var fresh = TestEvents.Record("pendant-1", 4, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat);
        Assert.AreEqual(AppendOutcome.Stored, await reopened.AppendAsync(fresh, CancellationToken.None));

        var pending = (await TestStores.PendingAsync(reopened)).Single();
        Assert.AreEqual(fresh.Id, pending.Id, "a new row is pending, not under the floor of the pruned ones");
        Assert.AreEqual(4L, pending.StoreSequence, "store sequences go on after the pruned rows'");
    }

    [TestMethod]
    public async Task Quota_EvictsPendingRows_TheyStayGoneAfterReopenTheRestPending()
    {
        var heartbeats = Enumerable.Range(1, 4).Select(i => TestEvents.Record("pendant-1", i, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat)).ToList();
        var bytes = System.Text.Encoding.UTF8.GetByteCount(heartbeats[0].Payload);
        await using (var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath, MaxTelemetryBytes = (2 * bytes) + 1 }))
        {
            foreach (var heartbeat in heartbeats)
            {
                await store.AppendAsync(heartbeat, CancellationToken.None);
            }

            Assert.AreEqual(2, store.Metrics.EvictedQuota);
            CollectionAssert.AreEqual(new[] { heartbeats[2].Id, heartbeats[3].Id }, (await TestStores.PendingAsync(store)).Select(e => e.Id).ToArray(), "the oldest evicted");
            Assert.AreEqual(2, store.PendingCount);
        }

        await using var reopened = TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath, MaxTelemetryBytes = (2 * bytes) + 1 });
        CollectionAssert.AreEqual(new[] { heartbeats[2].Id, heartbeats[3].Id }, (await TestStores.PendingAsync(reopened)).Select(e => e.Id).ToArray());
        Assert.AreEqual(2, reopened.PendingCount);
    }

    [TestMethod]
    public async Task Quota_ManyRowsInOneCommitOverIt_OldestEvictedFirst()
    {
        var first = Enumerable.Range(1, 20).Select(i => TestEvents.Record($"pendant-{i % 4}", i, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat)).ToList();
        var burst = Enumerable.Range(21, 600).Select(i => TestEvents.Record($"pendant-{i % 4}", i, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat)).ToList();
        var bytes = System.Text.Encoding.UTF8.GetByteCount(burst[0].Payload);
        await using var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = DirectoryPath, MaxTelemetryBytes = 100L * bytes });
        foreach (var record in first)
        {
            await store.AppendAsync(record, CancellationToken.None);
        }

        // Hundreds of rows in a commit: more of this transaction's rows than one chunk of eviction candidates.
        await Task.WhenAll(burst.Select(r => store.AppendAsync(r, CancellationToken.None)));

        var kept = (await TestStores.PendingAsync(store)).Select(e => e.StoreSequence).Order().ToList();
        var evicted = (long)Scalar("SELECT MAX(seq_no) FROM tombstones WHERE reason = 'quota'");
        Assert.IsNotEmpty(kept);
        Assert.IsLessThan(kept[0], evicted, "every evicted row is older than every row kept");
        Assert.AreEqual(620L, kept.Count + store.Metrics.EvictedQuota);
    }

    private long RowCount(string table) => (long)Scalar($"SELECT COUNT(*) FROM {table}");

    /// <summary>One value read from the store's file on a connection of the test's own (read-only).</summary>
    private object Scalar(string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(DirectoryPath, "events.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()!;
    }
}
