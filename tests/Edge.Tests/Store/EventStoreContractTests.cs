using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.Store;

/// <summary>
/// The store's contract (STYLE.md habit 7) through the interfaces production code uses: <see cref="IEventAppender"/>,
/// <see cref="IForwardQueues"/>, <see cref="ISequenceMarkSource"/>, <see cref="IStoreStatus"/>. Every implementation
/// gets a subclass (SQLite, in memory).
/// </summary>
public abstract class EventStoreContractTests
{
    /// <summary>Three shards in the alarm and telemetry lanes, one in the service lane.</summary>
    protected static readonly LaneSet Lanes = LaneSet.Create(new ForwarderOptions { AlarmStreams = 3, ServiceStreams = 1, TelemetryStreams = 3 });

    private TempDirectory _directory = null!;

    protected string DirectoryPath => _directory.Path;

    [TestInitialize]
    public void CreateDirectory() => _directory = new TempDirectory("store");

    [TestCleanup]
    public void DeleteDirectory()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    /// <summary>One store seen through each of its interfaces, and how to close it.</summary>
    protected sealed record StoreUnderTest(IEventAppender Appender, IForwardQueues Queues, ISequenceMarkSource Marks, IStoreStatus Status, Func<ValueTask> Close);

    /// <summary>Opens the store over <paramref name="directory"/>; opening again over the same directory sees the same data.</summary>
    protected abstract Task<StoreUnderTest> OpenAsync(string directory, LaneSet lanes);

    private Task<StoreUnderTest> OpenAsync() => OpenAsync(DirectoryPath, Lanes);

    [TestMethod]
    public async Task Append_NewId_StoredAndPending()
    {
        var store = await OpenAsync();

        var outcome = await store.Appender.AppendAsync(TestEvents.Record("pendant-1", 1), CancellationToken.None);

        Assert.AreEqual(AppendOutcome.Stored, outcome);
        Assert.AreEqual(1, store.Status.PendingCount);
        await store.Close();
    }

    [TestMethod]
    public async Task Append_SameIdAgainAfterReopen_Duplicate()
    {
        var store = await OpenAsync();
        var record = TestEvents.Record("pendant-1", 5);
        await store.Appender.AppendAsync(record, CancellationToken.None);
        await store.Close();

        var reopened = await OpenAsync();
        var outcome = await reopened.Appender.AppendAsync(record with { ReceivedUnixMilliseconds = 1 }, CancellationToken.None);

        Assert.AreEqual(AppendOutcome.Duplicate, outcome);
        Assert.HasCount(1, await TestStores.PendingAsync(reopened.Queues));
        await reopened.Close();
    }

    [TestMethod]
    public async Task Append_SameIdTwiceConcurrently_OneStoredOneDuplicate()
    {
        var store = await OpenAsync();
        var record = TestEvents.Record("pendant-1", 9);

        var outcomes = await Task.WhenAll(store.Appender.AppendAsync(record, CancellationToken.None), store.Appender.AppendAsync(record, CancellationToken.None));

        CollectionAssert.AreEquivalent(new[] { AppendOutcome.Stored, AppendOutcome.Duplicate }, outcomes);
        await store.Close();
    }

    [TestMethod]
    public async Task Append_EachLane_InItsOwnQueuesOnlyInArrivalOrder()
    {
        var store = await OpenAsync();
        var kiosk = TestEvents.Record("kiosk-1", 1, EventTypes.Heartbeat) with { Lane = EventTypes.ServiceLane };
        foreach (var record in new[]
        {
            TestEvents.Record("pendant-1", 1, EventTypes.Heartbeat), TestEvents.Record("pendant-2", 1, EventTypes.Heartbeat),
            TestEvents.Record("pendant-1", 2, EventTypes.Sos), kiosk, TestEvents.Record("pendant-1", 3, EventTypes.Heartbeat),
            TestEvents.Record("pendant-2", 2, EventTypes.Fall), TestEvents.Record("pendant-1", 4, EventTypes.SosCancel),
        })
        {
            await store.Appender.AppendAsync(record, CancellationToken.None);
        }

        var pending = await TestStores.PendingAsync(store.Queues);

        CollectionAssert.AreEqual(
            new[] { "pendant-1:1:2", "pendant-2:1:2", "pendant-1:1:4", kiosk.Id, "pendant-1:1:1", "pendant-2:1:1", "pendant-1:1:3" },
            pending.Select(e => e.Id).ToArray(),
            "lanes in priority order (alarm, service, telemetry), each in store order");
        Assert.IsTrue(pending.All(e => e.Lane == EventTypes.LaneOf(e.Type) || e.Id == kiosk.Id));
        Assert.AreEqual(EventTypes.ServiceLane, pending.Single(e => e.Id == kiosk.Id).Lane);
        await store.Close();
    }

    [TestMethod]
    public async Task Lanes_InPriorityOrder_AlarmServiceTelemetry()
    {
        var store = await OpenAsync();

        CollectionAssert.AreEqual(new[] { EventTypes.AlarmLane, EventTypes.ServiceLane, EventTypes.TelemetryLane }, store.Queues.Lanes.InPriorityOrder.Select(l => l.Name).ToArray());
        await store.Close();
    }

    [TestMethod]
    public async Task Mark_Forwarded_NoLongerPendingAndSurvivesReopen()
    {
        var store = await OpenAsync();
        var first = TestEvents.Record("pendant-1", 1);
        await store.Appender.AppendAsync(first, CancellationToken.None);
        await store.Appender.AppendAsync(TestEvents.Record("pendant-1", 2), CancellationToken.None);
        var queue = QueueOf(store, first);

        var changed = await queue.MarkAsync([first.Id, first.Id, "unknown:1:1"], ForwardState.Forwarded);
        await store.Close();
        var reopened = await OpenAsync();

        Assert.AreEqual(1, changed);
        Assert.AreEqual(1, reopened.Status.PendingCount);
        Assert.AreEqual("pendant-1:1:2", (await TestStores.PendingAsync(reopened.Queues)).Single().Id);
        await reopened.Close();
    }

    [TestMethod]
    public async Task Mark_RejectedUpstream_NotPendingNotResent()
    {
        var store = await OpenAsync();
        var record = TestEvents.Record("pendant-1", 1);
        await store.Appender.AppendAsync(record, CancellationToken.None);

        Assert.AreEqual(1, await QueueOf(store, record).MarkAsync([record.Id], ForwardState.RejectedUpstream));

        Assert.IsEmpty(await TestStores.PendingAsync(store.Queues));
        Assert.AreEqual(0, await QueueOf(store, record).MarkAsync([], ForwardState.Forwarded), "an empty batch marks nothing");
        await store.Close();
    }

    [TestMethod]
    public async Task Mark_OutOfStoreOrder_OnlyThoseDoneTheRestPendingAfterReopen()
    {
        var store = await OpenAsync();
        var alarms = Enumerable.Range(1, 5).Select(i => TestEvents.Record("pendant-1", i, EventTypes.Sos)).ToList();
        foreach (var alarm in alarms)
        {
            await store.Appender.AppendAsync(alarm, CancellationToken.None);
        }

        var queue = QueueOf(store, alarms[0]);
        // 3 (an express alarm answered first), then 1; 4 rejected for good.
        Assert.AreEqual(1, await queue.MarkAsync([alarms[2].Id], ForwardState.Forwarded));
        Assert.AreEqual(1, await queue.MarkAsync([alarms[0].Id], ForwardState.Forwarded));
        Assert.AreEqual(1, await queue.MarkAsync([alarms[3].Id], ForwardState.RejectedUpstream));
        CollectionAssert.AreEqual(new[] { alarms[1].Id, alarms[4].Id }, (await queue.ReadAfterAsync(0, 10, CancellationToken.None)).Select(e => e.Id).ToArray());
        await store.Close();

        var reopened = await OpenAsync();
        var again = QueueOf(reopened, alarms[0]);
        CollectionAssert.AreEqual(new[] { alarms[1].Id, alarms[4].Id }, (await again.ReadAfterAsync(0, 10, CancellationToken.None)).Select(e => e.Id).ToArray(), "after reopen");
        Assert.AreEqual(2, reopened.Status.PendingCount);
        Assert.AreEqual(1, await again.MarkAsync([alarms[1].Id, alarms[2].Id], ForwardState.Forwarded), "3 was done already");
        CollectionAssert.AreEqual(new[] { alarms[4].Id }, (await again.ReadAfterAsync(0, 10, CancellationToken.None)).Select(e => e.Id).ToArray());
        await reopened.Close();

        var third = await OpenAsync();
        Assert.AreEqual(alarms[4].Id, (await TestStores.PendingAsync(third.Queues)).Single().Id, "the done rows stay done past the ones marked out of order");
        await third.Close();
    }

    [TestMethod]
    public async Task ReadAfter_Cursor_OnlyLaterEventsOfThatQueueInOrder()
    {
        var store = await OpenAsync();
        for (var seq = 1; seq <= 6; seq++)
        {
            await store.Appender.AppendAsync(TestEvents.Record("pendant-1", seq, seq == 3 ? EventTypes.Sos : EventTypes.Heartbeat), CancellationToken.None);
        }

        var queue = QueueOf(store, TestEvents.Record("pendant-1", 1, EventTypes.Heartbeat));
        var first = await queue.ReadAfterAsync(0, 2, CancellationToken.None);
        var rest = await queue.ReadAfterAsync(first[^1].StoreSequence, 10, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { 1, 2 }, first.Select(e => e.Sequence).ToArray());
        CollectionAssert.AreEqual(new[] { 4, 5, 6 }, rest.Select(e => e.Sequence).ToArray(), "the alarm is not in the telemetry lane; nothing before the cursor");
        await store.Close();
    }

    [TestMethod]
    [DataRow(EventTypes.Heartbeat)]
    [DataRow(EventTypes.Sos)]
    public async Task Queues_OfALane_EachDeviceInTheShardTheShardRuleGives(string type)
    {
        var store = await OpenAsync();
        var devices = new[] { "pendant-1", "pendant-2", "watch-a", "watch-b", "kiosk-0009", "p-x", "p-\U0001F600" };
        foreach (var device in devices)
        {
            for (var seq = 1; seq <= 3; seq++)
            {
                await store.Appender.AppendAsync(TestEvents.Record(device, seq, type), CancellationToken.None);
            }
        }

        var lane = Lanes[EventTypes.LaneOf(type)];
        var shards = new List<IReadOnlyList<EventRecord>>();
        for (var shard = 0; shard < lane.Shards; shard++)
        {
            shards.Add(await store.Queues.Get(lane, shard).ReadAfterAsync(0, 100, CancellationToken.None));
        }

        Assert.AreEqual(21, shards.Sum(s => s.Count), "every pending event is in some shard");
        for (var shard = 0; shard < lane.Shards; shard++)
        {
            Assert.IsTrue(shards[shard].All(e => ShardRule.Of(e.DeviceId, lane.Shards) == shard), $"shard {shard} holds only its devices");
            Assert.IsTrue(shards[shard].Select(e => e.StoreSequence).SequenceEqual(shards[shard].Select(e => e.StoreSequence).Order()), "store order within a shard");
        }

        Assert.IsTrue(shards.Count(s => s.Count > 0) > 1, "seven devices spread over more than one shard");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => store.Queues.Get(lane, lane.Shards));
        await store.Close();
    }

    [TestMethod]
    public async Task MarkAsync_ReadAfterCursorWhileMarksCommit_CompletesAtTheirCommit()
    {
        var store = await OpenAsync();
        var lane = Lanes.Alarm;
        var device = Enumerable.Range(0, 10).Select(i => $"pendant-{i}").First(d => lane.ShardOf(d) == 0);
        for (var seq = 1; seq <= 3; seq++)
        {
            await store.Appender.AppendAsync(TestEvents.Record(device, seq, EventTypes.Sos), CancellationToken.None);
        }

        var queue = store.Queues.Get(lane, 0);
        var first = await queue.ReadAfterAsync(0, 2, CancellationToken.None);
        var marks = queue.MarkAsync(first.Select(a => a.Id).ToList(), ForwardState.Forwarded);
        var next = await queue.ReadAfterAsync(first[^1].StoreSequence, 10, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { 1, 2 }, first.Select(a => a.Sequence).ToArray());
        CollectionAssert.AreEqual(new[] { 3 }, next.Select(a => a.Sequence).ToArray(), "only alarms after the cursor");
        Assert.AreEqual(2, await marks.WaitAsync(TimeSpan.FromSeconds(10)));
        CollectionAssert.AreEqual(new[] { 3 }, (await queue.ReadAfterAsync(0, 10, CancellationToken.None)).Select(a => a.Sequence).ToArray(), "marked alarms are not pending");
        await store.Close();
    }

    [TestMethod]
    public async Task NewEvents_EveryQueueStartsSet_ACommitBeforeTheFirstWaitIsNotMissed()
    {
        var store = await OpenAsync();

        foreach (var lane in Lanes.InPriorityOrder)
        {
            for (var shard = 0; shard < lane.Shards; shard++)
            {
                Assert.IsTrue(await store.Queues.Get(lane, shard).NewEvents.WaitAsync(TimeSpan.Zero, CancellationToken.None), $"{lane} {shard} starts set");
            }
        }

        await store.Close();
    }

    [TestMethod]
    public async Task NewEvents_CommitOfOneQueue_SetsThatQueueOnly()
    {
        var store = await OpenAsync();
        var record = TestEvents.Record("pendant-1", 1, EventTypes.Sos);
        var lane = Lanes.Alarm;
        var own = lane.ShardOf(record.DeviceId);
        foreach (var each in Lanes.InPriorityOrder)
        {
            for (var shard = 0; shard < each.Shards; shard++)
            {
                await store.Queues.Get(each, shard).NewEvents.WaitAsync(TimeSpan.Zero, CancellationToken.None); // consume the initial set
            }
        }

        await store.Appender.AppendAsync(record, CancellationToken.None);

        Assert.IsTrue(await store.Queues.Get(lane, own).NewEvents.WaitAsync(TimeSpan.Zero, CancellationToken.None), "set by the commit, before anyone waited");
        Assert.IsFalse(await store.Queues.Get(lane, (own + 1) % lane.Shards).NewEvents.WaitAsync(TimeSpan.Zero, CancellationToken.None), "another shard's queue is not woken");
        Assert.IsFalse(await store.Queues.Get(Lanes[EventTypes.TelemetryLane], 0).NewEvents.WaitAsync(TimeSpan.Zero, CancellationToken.None), "another lane's queue is not woken");
        await store.Close();
    }

    [TestMethod]
    public async Task Append_ManyConcurrent_AllStoredPayloadUnchanged()
    {
        var store = await OpenAsync();
        var records = Enumerable.Range(1, 500).Select(i => TestEvents.Record($"pendant-{i % 7}", i, EventTypes.Heartbeat)).ToList();

        var outcomes = await Task.WhenAll(records.Select(r => store.Appender.AppendAsync(r, CancellationToken.None)));
        var pending = await TestStores.PendingAsync(store.Queues);

        Assert.IsTrue(outcomes.All(o => o == AppendOutcome.Stored));
        Assert.HasCount(500, pending);
        var byId = records.ToDictionary(r => r.Id);
        Assert.IsTrue(pending.All(p => p.Payload == byId[p.Id].Payload && p.ReceivedUnixMilliseconds == byId[p.Id].ReceivedUnixMilliseconds));
        await store.Close();
    }

    [TestMethod]
    public async Task AppendShared_Heartbeat_StoredAndPendingWhenItCompletes()
    {
        var store = await OpenAsync();

        var outcome = await store.Appender.AppendSharedAsync(TestEvents.Record("pendant-1", 1, EventTypes.Heartbeat), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.AreEqual(AppendOutcome.Stored, outcome);
        Assert.HasCount(1, await TestStores.PendingAsync(store.Queues, EventTypes.TelemetryLane));
        await store.Close();
    }

    [TestMethod]
    public async Task Append_SameIdOtherPayload_KeptUnderDerivedIdFlaggedConflict()
    {
        var store = await OpenAsync();
        var heartbeat = TestEvents.Record("pendant-1", 42, EventTypes.Heartbeat);
        var sos = TestEvents.Record("pendant-1", 42, EventTypes.Sos);
        await store.Appender.AppendAsync(heartbeat, CancellationToken.None);

        var outcome = await store.Appender.AppendAsync(sos, CancellationToken.None);

        Assert.AreEqual(AppendOutcome.Conflict, outcome);
        var pending = await TestStores.PendingAsync(store.Queues);
        Assert.HasCount(2, pending);
        var kept = pending.Single(e => e.Type == EventTypes.Sos);
        Assert.AreEqual(EventIdentity.MakeConflictId(sos.Id, EventIdentity.PayloadDigest(sos.Payload)), kept.Id);
        Assert.AreEqual(EventIdentity.IdConflict, kept.Fault);
        Assert.AreEqual(sos.Id, kept.ConflictOf);
        Assert.AreEqual(sos.Payload, kept.Payload, "the device's payload unchanged");
        var first = pending.Single(e => e.Type == EventTypes.Heartbeat);
        Assert.AreEqual(heartbeat.Id, first.Id, "the first payload keeps the id");
        Assert.IsNull(first.Fault);
        await store.Close();
    }

    [TestMethod]
    public async Task Append_ConflictingPayloadResentAfterReopen_ConflictDuplicateNothingWritten()
    {
        var store = await OpenAsync();
        var sos = TestEvents.Record("pendant-1", 42, EventTypes.Sos);
        await store.Appender.AppendAsync(TestEvents.Record("pendant-1", 42, EventTypes.Heartbeat), CancellationToken.None);
        await store.Appender.AppendAsync(sos, CancellationToken.None);
        await store.Close();

        var reopened = await OpenAsync();
        var outcome = await reopened.Appender.AppendAsync(sos with { ReceivedUnixMilliseconds = 1 }, CancellationToken.None);

        Assert.AreEqual(AppendOutcome.ConflictDuplicate, outcome);
        Assert.HasCount(2, await TestStores.PendingAsync(reopened.Queues));
        await reopened.Close();
    }

    [TestMethod]
    public async Task Append_SamePayloadAgain_DuplicateNotConflict()
    {
        var store = await OpenAsync();
        var sos = TestEvents.Record("pendant-1", 7, EventTypes.Sos);
        await store.Appender.AppendAsync(sos, CancellationToken.None);

        var outcome = await store.Appender.AppendAsync(sos with { ReceivedUnixMilliseconds = 5, ClockSkewMilliseconds = 3 }, CancellationToken.None);

        Assert.AreEqual(AppendOutcome.Duplicate, outcome, "a resend carries the same bytes: only the gateway's own fields differ");
        await store.Close();
    }

    [TestMethod]
    public async Task ReadSequenceMarks_PendingAndRecentRows_HighestBootAndSeqPerDeviceAndLane()
    {
        var store = await OpenAsync();
        foreach (var r in new[]
        {
            TestEvents.Record("pendant-1", 3, EventTypes.Heartbeat), TestEvents.Record("pendant-1", 9, EventTypes.Heartbeat),
            TestEvents.Record("pendant-1", 5, EventTypes.Sos), TestEvents.Record("pendant-1", 2, EventTypes.Sos, boot: 2),
            TestEvents.Record("pendant-2", 4, EventTypes.Heartbeat),
        })
        {
            await store.Appender.AppendAsync(r, CancellationToken.None);
        }

        var marks = store.Marks.ReadSequenceMarks(1000);

        var best = marks.GroupBy(m => (m.DeviceId, m.Lane)).ToDictionary(g => g.Key, g => g.Max(m => ((long)m.BootEpoch << 32) | (uint)m.Sequence));
        Assert.AreEqual((1L << 32) | 9, best[("pendant-1", EventTypes.TelemetryLane)]);
        Assert.AreEqual((2L << 32) | 2, best[("pendant-1", EventTypes.AlarmLane)]);
        Assert.AreEqual((1L << 32) | 4, best[("pendant-2", EventTypes.TelemetryLane)]);
        await store.Close();
    }

    [TestMethod]
    public async Task ReadSequenceMarks_ForwardedRowsBeyondTheRecentOnes_NotRead()
    {
        var store = await OpenAsync();
        var old = TestEvents.Record("pendant-1", 1, EventTypes.Heartbeat);
        await store.Appender.AppendAsync(old, CancellationToken.None);
        await TestStores.MarkForwardedAsync(store.Queues, [old]);
        await store.Appender.AppendAsync(TestEvents.Record("pendant-2", 1, EventTypes.Heartbeat), CancellationToken.None);

        var marks = store.Marks.ReadSequenceMarks(1);

        CollectionAssert.AreEqual(new[] { "pendant-2" }, marks.Select(m => m.DeviceId).ToArray(), "a forwarded row older than the recent ones is not read");
        await store.Close();
    }

    private static IForwardQueue QueueOf(StoreUnderTest store, EventRecord record)
    {
        var lane = store.Queues.Lanes[record.Lane];
        return store.Queues.Get(lane, lane.ShardOf(record.DeviceId));
    }
}
