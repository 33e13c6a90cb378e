using Eldercare.Edge.Gateway.Store;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.Store;

/// <summary>The <see cref="IEventStore"/> contract (STYLE.md habit 7); every implementation gets a subclass.</summary>
public abstract class EventStoreContractTests
{
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

    /// <summary>Opens the store over <paramref name="directory"/>; opening twice over the same directory sees the same data.</summary>
    protected abstract Task<IEventStore> OpenAsync(string directory);

    protected abstract ValueTask CloseAsync(IEventStore store);

    [TestMethod]
    public async Task Append_NewId_StoredAndPending()
    {
        var store = await OpenAsync(DirectoryPath);

        var outcome = await store.AppendAsync(TestEvents.Record("pendant-1", 1), CancellationToken.None);

        Assert.AreEqual(AppendOutcome.Stored, outcome);
        Assert.AreEqual(1, store.PendingCount);
        await CloseAsync(store);
    }

    [TestMethod]
    public async Task Append_SameIdAgainAfterReopen_Duplicate()
    {
        var store = await OpenAsync(DirectoryPath);
        var record = TestEvents.Record("pendant-1", 5);
        await store.AppendAsync(record, CancellationToken.None);
        await CloseAsync(store);

        var reopened = await OpenAsync(DirectoryPath);
        var outcome = await reopened.AppendAsync(record with { ReceivedUnixMilliseconds = 1 }, CancellationToken.None);

        Assert.AreEqual(AppendOutcome.Duplicate, outcome);
        Assert.HasCount(1, await reopened.ReadPendingAsync(10, CancellationToken.None));
        await CloseAsync(reopened);
    }

    [TestMethod]
    public async Task Append_SameIdTwiceConcurrently_OneStoredOneDuplicate()
    {
        var store = await OpenAsync(DirectoryPath);
        var record = TestEvents.Record("pendant-1", 9);

        var outcomes = await Task.WhenAll(store.AppendAsync(record, CancellationToken.None), store.AppendAsync(record, CancellationToken.None));

        CollectionAssert.AreEquivalent(new[] { AppendOutcome.Stored, AppendOutcome.Duplicate }, outcomes);
        await CloseAsync(store);
    }

    [TestMethod]
    public async Task ReadPending_MixedLanes_AlarmLaneFirstThenTelemetryEachInArrivalOrder()
    {
        var store = await OpenAsync(DirectoryPath);
        var order = new[]
        {
            TestEvents.Record("pendant-1", 1, EventTypes.Heartbeat),
            TestEvents.Record("pendant-2", 1, EventTypes.Heartbeat),
            TestEvents.Record("pendant-1", 2, EventTypes.Sos),
            TestEvents.Record("pendant-1", 3, EventTypes.Heartbeat),
            TestEvents.Record("pendant-2", 2, EventTypes.Fall),
            TestEvents.Record("pendant-1", 4, EventTypes.SosCancel),
        };
        foreach (var record in order)
        {
            await store.AppendAsync(record, CancellationToken.None);
        }

        var pending = await store.ReadPendingAsync(100, CancellationToken.None);

        CollectionAssert.AreEqual(
            new[] { "pendant-1:1:2", "pendant-2:1:2", "pendant-1:1:4", "pendant-1:1:1", "pendant-2:1:1", "pendant-1:1:3" },
            pending.Select(e => e.Id).ToArray());
        await CloseAsync(store);
    }

    [TestMethod]
    public async Task Mark_Forwarded_NoLongerPendingAndSurvivesReopen()
    {
        var store = await OpenAsync(DirectoryPath);
        await store.AppendAsync(TestEvents.Record("pendant-1", 1), CancellationToken.None);
        await store.AppendAsync(TestEvents.Record("pendant-1", 2), CancellationToken.None);

        var changed = await store.MarkAsync(["pendant-1:1:1", "pendant-1:1:1", "unknown:1:1"], ForwardState.Forwarded, CancellationToken.None);
        await CloseAsync(store);
        var reopened = await OpenAsync(DirectoryPath);

        Assert.AreEqual(1, changed);
        Assert.AreEqual(1, reopened.PendingCount);
        Assert.AreEqual("pendant-1:1:2", (await reopened.ReadPendingAsync(10, CancellationToken.None)).Single().Id);
        await CloseAsync(reopened);
    }

    [TestMethod]
    public async Task ReadPending_AfterStoreSequence_OnlyLaterEventsOfThatLaneInOrder()
    {
        var store = await OpenAsync(DirectoryPath);
        for (var seq = 1; seq <= 6; seq++)
        {
            await store.AppendAsync(TestEvents.Record("pendant-1", seq, seq == 3 ? EventTypes.Sos : EventTypes.Heartbeat), CancellationToken.None);
        }

        var first = await store.ReadPendingAsync(EventTypes.TelemetryLane, 0, 1, 0, 2, CancellationToken.None);
        var rest = await store.ReadPendingAsync(EventTypes.TelemetryLane, 0, 1, first[^1].StoreSequence, 10, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { 1, 2 }, first.Select(e => e.Sequence).ToArray());
        CollectionAssert.AreEqual(new[] { 4, 5, 6 }, rest.Select(e => e.Sequence).ToArray(), "the alarm is not in the telemetry lane; nothing before the cursor");
        await CloseAsync(store);
    }

    [TestMethod]
    public async Task ReadPending_Shares_EachDeviceInExactlyOneShareAllEventsCovered()
    {
        var store = await OpenAsync(DirectoryPath);
        var devices = new[] { "pendant-1", "pendant-2", "watch-a", "watch-b", "kiosk-0009", "p-x" };
        foreach (var device in devices)
        {
            for (var seq = 1; seq <= 3; seq++)
            {
                await store.AppendAsync(TestEvents.Record(device, seq, EventTypes.Heartbeat), CancellationToken.None);
            }
        }

        var shares = new List<IReadOnlyList<Gateway.Store.EventRecord>>();
        for (var shard = 0; shard < 3; shard++)
        {
            shares.Add(await store.ReadPendingAsync(EventTypes.TelemetryLane, shard, 3, 0, 100, CancellationToken.None));
        }

        Assert.AreEqual(18, shares.Sum(s => s.Count), "every pending event is in some share");
        foreach (var device in devices)
        {
            Assert.AreEqual(1, shares.Count(s => s.Any(e => e.DeviceId == device)), $"{device} is in exactly one share");
        }

        Assert.IsTrue(shares.All(s => s.Select(e => e.StoreSequence).SequenceEqual(s.Select(e => e.StoreSequence).Order())), "store order within a share");
        await Assert.ThrowsExactlyAsync<ArgumentOutOfRangeException>(() => store.ReadPendingAsync(EventTypes.TelemetryLane, 3, 3, 0, 10, CancellationToken.None));
        await CloseAsync(store);
    }

    [TestMethod]
    public async Task ReadPendingBlockingAndMarkAlarms_SameResultAsTheAsyncCalls()
    {
        var store = await OpenAsync(DirectoryPath);
        await store.AppendAsync(TestEvents.Record("pendant-1", 1, EventTypes.Sos), CancellationToken.None);
        await store.AppendAsync(TestEvents.Record("pendant-1", 2, EventTypes.Heartbeat), CancellationToken.None);
        await store.AppendAsync(TestEvents.Record("pendant-2", 1, EventTypes.Fall), CancellationToken.None);

        var alarms = store.ReadPending(EventTypes.AlarmLane, 10, CancellationToken.None);
        var changed = await Task.Run(() => store.MarkAlarms(alarms.Select(a => a.Id).ToList(), ForwardState.Forwarded, CancellationToken.None));

        CollectionAssert.AreEqual(new[] { "pendant-1:1:1", "pendant-2:1:1" }, alarms.Select(a => a.Id).ToArray());
        Assert.AreEqual(2, changed);
        Assert.IsEmpty(store.ReadPending(EventTypes.AlarmLane, 10, CancellationToken.None));
        Assert.AreEqual(1, store.PendingCount);
        await CloseAsync(store);
    }

    [TestMethod]
    public async Task ReadPendingAlarmsAfterCursor_AndQueuedMarks_CompleteAtTheirCommit()
    {
        var store = await OpenAsync(DirectoryPath);
        await store.AppendAsync(TestEvents.Record("pendant-1", 1, EventTypes.Sos), CancellationToken.None);
        await store.AppendAsync(TestEvents.Record("pendant-1", 2, EventTypes.Heartbeat), CancellationToken.None);
        await store.AppendAsync(TestEvents.Record("pendant-2", 1, EventTypes.Fall), CancellationToken.None);
        await store.AppendAsync(TestEvents.Record("pendant-3", 1, EventTypes.Sos), CancellationToken.None);

        var first = store.ReadPendingAlarms(0, 2);
        var marks = store.QueueAlarmMarks(first.Select(a => a.Id).ToList(), ForwardState.Forwarded, CancellationToken.None);
        var next = store.ReadPendingAlarms(first[^1].StoreSequence, 10);

        CollectionAssert.AreEqual(new[] { "pendant-1:1:1", "pendant-2:1:1" }, first.Select(a => a.Id).ToArray());
        CollectionAssert.AreEqual(new[] { "pendant-3:1:1" }, next.Select(a => a.Id).ToArray(), "only alarms after the cursor, telemetry never");
        Assert.AreEqual(2, await marks.WaitAsync(TimeSpan.FromSeconds(10)));
        CollectionAssert.AreEqual(new[] { "pendant-3:1:1" }, store.ReadPendingAlarms(0, 10).Select(a => a.Id).ToArray(), "marked alarms are not pending");
        Assert.AreEqual(0, await store.QueueAlarmMarks([], ForwardState.Forwarded, CancellationToken.None));
        await CloseAsync(store);
    }

    [TestMethod]
    public async Task ReadPendingAlarmsOfAShare_EachDeviceInOneShare_SharesCoverAllInStoreOrder()
    {
        var store = await OpenAsync(DirectoryPath);
        for (var seq = 1; seq <= 3; seq++)
        {
            for (var d = 0; d < 6; d++)
            {
                await store.AppendAsync(TestEvents.Record($"pendant-{d}", seq, seq == 2 ? EventTypes.Heartbeat : EventTypes.Sos), CancellationToken.None);
            }
        }

        var shares = Enumerable.Range(0, 3).Select(shard => store.ReadPendingAlarms(shard, 3, 0, 100)).ToList();
        var afterCursor = store.ReadPendingAlarms(1, 3, shares[1][0].StoreSequence, 100);

        var all = store.ReadPendingAlarms(0, 100);
        Assert.HasCount(12, all);
        CollectionAssert.AreEquivalent(all.Select(a => a.Id).ToList(), shares.SelectMany(s => s).Select(a => a.Id).ToList(), "every alarm in exactly one share");
        foreach (var share in shares)
        {
            CollectionAssert.AreEqual(share.OrderBy(a => a.StoreSequence).ToList(), share.ToList(), "store order within a share");
        }

        var devicesPerShare = shares.Select(s => s.Select(a => a.DeviceId).ToHashSet()).ToList();
        Assert.IsTrue(devicesPerShare.All(s => s.Count > 0), "six devices spread over three shares");
        Assert.IsFalse(devicesPerShare.SelectMany(s => s).GroupBy(d => d).Any(g => g.Count() > 1), "a device's alarms are all in one share");
        CollectionAssert.AreEqual(shares[1].Skip(1).Select(a => a.Id).ToList(), afterCursor.Select(a => a.Id).ToList(), "a share's cursor");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => store.ReadPendingAlarms(3, 3, 0, 10));
        await CloseAsync(store);
    }

    [TestMethod]
    public async Task WaitForNewAlarms_AlarmCommitted_WakesEveryStream()
    {
        var store = await OpenAsync(DirectoryPath);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var waiters = Enumerable.Range(0, 3).Select(shard => Task.Factory.StartNew(() => store.WaitForNewAlarms(shard, TimeSpan.FromSeconds(20), CancellationToken.None), TaskCreationOptions.LongRunning)).ToArray();
        // No pause: a waiter that starts after the commit finds its signal set (signals exist from the start).
        await store.AppendAsync(TestEvents.Record("pendant-1", 1, EventTypes.Sos), CancellationToken.None);

        await Task.WhenAll(waiters).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.IsLessThan(10_000, waited.ElapsedMilliseconds, "all three woken by the one commit, not the 20 s timeout");
        await CloseAsync(store);
    }

    [TestMethod]
    public async Task WaitForNewEventsBlocking_AlarmCommitted_WakesBeforeTimeout()
    {
        var store = await OpenAsync(DirectoryPath);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var waiter = Task.Factory.StartNew(() => store.WaitForNewEvents(EventTypes.AlarmLane, TimeSpan.FromSeconds(20), CancellationToken.None), TaskCreationOptions.LongRunning);
        // No pause: the signal is sticky, a waiter that starts after the commit returns at once.
        await store.AppendAsync(TestEvents.Record("pendant-1", 1, EventTypes.Sos), CancellationToken.None);

        await waiter.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.IsLessThan(10_000, waited.ElapsedMilliseconds, "woken by the commit, not the 20 s timeout");
        await CloseAsync(store);
    }

    [TestMethod]
    public async Task Append_ManyConcurrent_AllStoredPayloadUnchanged()
    {
        var store = await OpenAsync(DirectoryPath);
        var records = Enumerable.Range(1, 500).Select(i => TestEvents.Record($"pendant-{i % 7}", i, EventTypes.Heartbeat)).ToList();

        var outcomes = await Task.WhenAll(records.Select(r => store.AppendAsync(r, CancellationToken.None)));
        var pending = await store.ReadPendingAsync(1000, CancellationToken.None);

        Assert.IsTrue(outcomes.All(o => o == AppendOutcome.Stored));
        Assert.HasCount(500, pending);
        var byId = records.ToDictionary(r => r.Id);
        Assert.IsTrue(pending.All(p => p.Payload == byId[p.Id].Payload && p.ReceivedUnixMilliseconds == byId[p.Id].ReceivedUnixMilliseconds));
        await CloseAsync(store);
    }

    [TestMethod]
    public async Task WaitForNewEvents_AppendAfterWaitBegins_Wakes()
    {
        var store = await OpenAsync(DirectoryPath);
        await store.WaitForNewEventsAsync(TimeSpan.Zero, CancellationToken.None); // consume any earlier signal

        var wait = store.WaitForNewEventsAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        await store.AppendAsync(TestEvents.Record("pendant-1", 1), CancellationToken.None);

        Assert.AreSame(wait, await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(10))));
        await CloseAsync(store);
    }

    [TestMethod]
    public async Task Append_SameIdOtherPayload_KeptUnderDerivedIdFlaggedConflict()
    {
        var store = await OpenAsync(DirectoryPath);
        var heartbeat = TestEvents.Record("pendant-1", 42, EventTypes.Heartbeat);
        var sos = TestEvents.Record("pendant-1", 42, EventTypes.Sos);
        await store.AppendAsync(heartbeat, CancellationToken.None);

        var outcome = await store.AppendAsync(sos, CancellationToken.None);

        Assert.AreEqual(AppendOutcome.Conflict, outcome);
        var pending = await store.ReadPendingAsync(10, CancellationToken.None);
        Assert.HasCount(2, pending);
        var kept = pending.Single(e => e.Type == EventTypes.Sos);
        Assert.AreEqual(EventIdentity.MakeConflictId(sos.Id, EventIdentity.PayloadDigest(sos.Payload)), kept.Id);
        Assert.AreEqual(EventIdentity.IdConflict, kept.Fault);
        Assert.AreEqual(sos.Id, kept.ConflictOf);
        Assert.AreEqual(sos.Payload, kept.Payload, "the device's payload unchanged");
        var first = pending.Single(e => e.Type == EventTypes.Heartbeat);
        Assert.AreEqual(heartbeat.Id, first.Id, "the first payload keeps the id");
        Assert.IsNull(first.Fault);
        await CloseAsync(store);
    }

    [TestMethod]
    public async Task Append_ConflictingPayloadResentAfterReopen_ConflictDuplicateNothingWritten()
    {
        var store = await OpenAsync(DirectoryPath);
        var sos = TestEvents.Record("pendant-1", 42, EventTypes.Sos);
        await store.AppendAsync(TestEvents.Record("pendant-1", 42, EventTypes.Heartbeat), CancellationToken.None);
        await store.AppendAsync(sos, CancellationToken.None);
        await CloseAsync(store);

        var reopened = await OpenAsync(DirectoryPath);
        var outcome = await reopened.AppendAsync(sos with { ReceivedUnixMilliseconds = 1 }, CancellationToken.None);

        Assert.AreEqual(AppendOutcome.ConflictDuplicate, outcome);
        Assert.HasCount(2, await reopened.ReadPendingAsync(10, CancellationToken.None));
        await CloseAsync(reopened);
    }

    [TestMethod]
    public async Task Append_SamePayloadAgain_DuplicateNotConflict()
    {
        var store = await OpenAsync(DirectoryPath);
        var sos = TestEvents.Record("pendant-1", 7, EventTypes.Sos);
        await store.AppendAsync(sos, CancellationToken.None);

        var outcome = await store.AppendAsync(sos with { ReceivedUnixMilliseconds = 5, ClockSkewMilliseconds = 3 }, CancellationToken.None);

        Assert.AreEqual(AppendOutcome.Duplicate, outcome, "a resend carries the same bytes: only the gateway's own fields differ");
        await CloseAsync(store);
    }

    [TestMethod]
    public async Task ReadSequenceMarks_PendingAndRecentRows_HighestBootAndSeqPerDeviceAndLane()
    {
        var store = await OpenAsync(DirectoryPath);
        foreach (var r in new[]
        {
            TestEvents.Record("pendant-1", 3, EventTypes.Heartbeat), TestEvents.Record("pendant-1", 9, EventTypes.Heartbeat),
            TestEvents.Record("pendant-1", 5, EventTypes.Sos), TestEvents.Record("pendant-1", 2, EventTypes.Sos, boot: 2),
            TestEvents.Record("pendant-2", 4, EventTypes.Heartbeat),
        })
        {
            await store.AppendAsync(r, CancellationToken.None);
        }

        var marks = store.ReadSequenceMarks(1000);

        var best = marks.GroupBy(m => (m.DeviceId, m.Lane)).ToDictionary(g => g.Key, g => g.Max(m => ((long)m.BootEpoch << 32) | (uint)m.Sequence));
        Assert.AreEqual((1L << 32) | 9, best[("pendant-1", EventTypes.TelemetryLane)]);
        Assert.AreEqual((2L << 32) | 2, best[("pendant-1", EventTypes.AlarmLane)]);
        Assert.AreEqual((1L << 32) | 4, best[("pendant-2", EventTypes.TelemetryLane)]);
        await CloseAsync(store);
    }
}
