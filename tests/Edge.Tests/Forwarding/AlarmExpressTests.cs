using System.Globalization;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Eldercare.Edge.Tests.Forwarding;

/// <summary>The alarm express path: posted while the store commits, per-device order and "once" kept through failures.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class AlarmExpressTests : ForwardingFixture
{
    [TestMethod]
    public async Task Offer_PostedWithoutWaitingForTheCommit_ThenMarkedWithoutASecondPost()
    {
        var express = NewExpress(2);
        var forwarder = NewForwarder(express);
        await forwarder.StartAsync(CancellationToken.None);
        try
        {
            await WaitOpenAsync(express, "p-1");
            var record = TestEvents.Record("p-1", 1, EventTypes.Sos);
            // A commit that has not happened: only the express path can have sent it.
            var commit = new TaskCompletionSource<AppendOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            express.Offer(record, commit.Task);
            await Upstream.WhenReceived(record.Id).WaitAsync(TimeSpan.FromSeconds(5));

            // The commit comes: the row is marked forwarded, not posted again.
            await Store.AppendAsync(record, CancellationToken.None);
            commit.SetResult(AppendOutcome.Stored);
            await Eventually.WaitAsync(() => Store.PendingCount == 0, TimeSpan.FromSeconds(10), "marked after its commit");

            // A barrier instead of a pause: the device's next alarm goes through the same stream, one POST at a
            // time and after the store pass that marked the first; once it has arrived, a second POST of the first
            // would have arrived before it.
            var barrier = TestEvents.Record("p-1", 2, EventTypes.Sos);
            express.Offer(barrier, new TaskCompletionSource<AppendOutcome>().Task);
            await Upstream.WhenReceived(barrier.Id).WaitAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            await forwarder.StopAsync(CancellationToken.None);
        }

        CollectionAssert.AreEqual(new[] { "p-1:1:1", "p-1:1:2" }, Sent(), "each posted once, the first before its commit");
        Assert.AreEqual(2, Metrics.Forwarded);
        Assert.AreEqual(2, Metrics.AlarmsExpressed);
        Assert.AreEqual(0, express.Closures);
    }

    [TestMethod]
    public async Task ResendQueuedNextToItsOriginal_AnsweredOnce_StreamStaysOpen()
    {
        var express = NewExpress(1);
        // The upstream answers each id once, as the cloud stub does for a batch holding an id twice.
        Upstream.Answer = batch => new UpstreamAnswer(batch.Select(e => e.Id).Distinct().ToList(), []);
        var forwarder = NewForwarder(express);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Upstream.BeforeAnswer = attempt => attempt == 1 ? hold.Task : Task.CompletedTask;
        await forwarder.StartAsync(CancellationToken.None);
        try
        {
            await WaitOpenAsync(express, "p-1");
            // The first POST is held so that the original and its resend queue up together behind it.
            await IngestAsync(express, TestEvents.Record("p-1", 1, EventTypes.Sos)).WaitAsync(TimeSpan.FromSeconds(5));
            await Upstream.WhenReceived("p-1:1:1").WaitAsync(TimeSpan.FromSeconds(5));
            var original = TestEvents.Record("p-1", 2, EventTypes.Sos);
            await IngestAsync(express, original);
            await IngestAsync(express, original);
            hold.SetResult();
            await Eventually.WaitAsync(() => Store.PendingCount == 0, TimeSpan.FromSeconds(10), "all marked");
        }
        finally
        {
            hold.TrySetResult();
            await forwarder.StopAsync(CancellationToken.None);
        }

        Assert.AreEqual(0, express.Closures, "a resend answered once did not close the stream");
        Assert.HasCount(2, Upstream.Batches, "the original and its resend went in one express POST");
    }

    [TestMethod]
    public async Task ExpressPostFails_StreamClosesStoreSendsTheRestInOrderOnce_ThenReopens()
    {
        var express = NewExpress(1);
        var accepted = AcceptAll();
        var forwarder = NewForwarder(express);
        await forwarder.StartAsync(CancellationToken.None);
        try
        {
            await WaitOpenAsync(express, "p-1");
            Upstream.FailuresLeft = 2;
            for (var seq = 1; seq <= 5; seq++)
            {
                await IngestAsync(express, TestEvents.Record("p-1", seq, EventTypes.Sos));
            }

            await Eventually.WaitAsync(() => Store.PendingCount == 0, TimeSpan.FromSeconds(10), "all delivered after the outage");
            await WaitOpenAsync(express, "p-1");

            // Open again: an alarm whose commit has not happened is posted.
            var next = TestEvents.Record("p-1", 6, EventTypes.Sos);
            express.Offer(next, new TaskCompletionSource<AppendOutcome>().Task);
            await Upstream.WhenReceived(next.Id).WaitAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            await forwarder.StopAsync(CancellationToken.None);
        }

        CollectionAssert.AreEqual(Enumerable.Range(1, 6).Select(s => $"p-1:1:{s}").ToList(), accepted.ToList(), "each once, in order");
        Assert.IsGreaterThanOrEqualTo(2, Metrics.ForwardFailures);
        Assert.IsGreaterThanOrEqualTo(1, express.Closures, "the failed express POST closed the stream");
        Assert.IsGreaterThanOrEqualTo(1, Metrics.AlarmsExpressed, "the alarm after the reopening went express");
    }

    [TestMethod]
    public async Task BacklogFromBeforeTheStart_GoesBeforeNewAlarms()
    {
        for (var seq = 1; seq <= 3; seq++)
        {
            await Store.AppendAsync(TestEvents.Record("p-1", seq, EventTypes.Fall), CancellationToken.None);
        }

        var express = NewExpress(2);
        var accepted = AcceptAll();
        // A stream starts closed: the alarm offered at once goes through the store, after the backlog.
        Assert.IsFalse(express.IsOpen(ShardRule.Of("p-1", express.Streams)));
        var forwarder = NewForwarder(express);
        await forwarder.StartAsync(CancellationToken.None);
        try
        {
            await IngestAsync(express, TestEvents.Record("p-1", 4, EventTypes.Sos));
            await Eventually.WaitAsync(() => Store.PendingCount == 0, TimeSpan.FromSeconds(10), "all delivered");
        }
        finally
        {
            await forwarder.StopAsync(CancellationToken.None);
        }

        CollectionAssert.AreEqual(new[] { "p-1:1:1", "p-1:1:2", "p-1:1:3", "p-1:1:4" }, accepted.ToList());
    }

    [TestMethod]
    public async Task ManyDevicesConcurrently_WithPartialAnswersAndFailures_EachAlarmOnceInOrder()
    {
        // 10 devices x 30 alarms, each device in order (a device sends the next after its PUBACK), all devices at
        // once; every third answer takes only the first half of its batch and two attempts fail outright.
        var accepted = PartialAnswersAndTwoOutages();
        var express = NewExpress(2);
        var forwarder = NewForwarder(express, batchSize: 20);
        await forwarder.StartAsync(CancellationToken.None);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 10).Select(d => Task.Run(async () =>
            {
                for (var seq = 1; seq <= 30; seq++)
                {
                    await IngestAsync(express, TestEvents.Record($"p-{d}", seq, seq % 2 == 0 ? EventTypes.Sos : EventTypes.Fall));
                }
            })));
            await Eventually.WaitAsync(() => Store.PendingCount == 0, TimeSpan.FromSeconds(20), "all alarms forwarded");
        }
        finally
        {
            await forwarder.StopAsync(CancellationToken.None);
        }

        AssertEachOnceInOrderPerDevice(accepted, 300, 30, "alarm");
    }

    [TestMethod]
    public void FullQueue_ClosesTheStream_ReopensOnlyAfterTheOwedCommits()
    {
        var express = new AlarmExpress(1, _ => { });
        Assert.IsNotNull(express.ReopenTicket(0), "nothing owed at the start");
        Assert.IsTrue(express.TryReopen(0, express.ReopenTicket(0)!.Value));
        var commits = new List<TaskCompletionSource<AppendOutcome>>();
        for (var seq = 1; seq <= AlarmExpress.Capacity + 1; seq++)
        {
            var commit = new TaskCompletionSource<AppendOutcome>();
            commits.Add(commit);
            express.Offer(TestEvents.Record("p-1", seq), commit.Task);
        }

        Assert.IsFalse(express.IsOpen(ShardRule.Of("p-1", express.Streams)), "one more than the queue holds closes the stream");
        Assert.IsNull(express.ReopenTicket(0), "the queued alarms are owed to the store now; none committed yet");
        commits.ForEach(c => c.SetResult(AppendOutcome.Stored));
        var ticket = express.ReopenTicket(0);
        Assert.IsNotNull(ticket);
        express.Offer(TestEvents.Record("p-1", 999), Task.FromResult(AppendOutcome.Stored));
        Assert.IsFalse(express.TryReopen(0, ticket.Value), "an alarm offered after the ticket keeps it closed");
        Assert.IsTrue(express.TryReopen(0, express.ReopenTicket(0)!.Value));
    }

    [TestMethod]
    public void Offer_WakeAfterTheStoreClosed_NeitherThrowsNorLosesTheQueuedAlarm()
    {
        var express = new AlarmExpress(1, _ => throw new ObjectDisposedException("WakeSignal"));
        Assert.IsTrue(express.TryReopen(0, express.ReopenTicket(0)!.Value));

        express.Offer(TestEvents.Record("p-1", 1), Task.FromResult(AppendOutcome.Stored));

        Assert.HasCount(1, express.Take(0, 10));
    }

    [TestMethod]
    public async Task OfferThenAppend_QueuedBeforeTheAppendStarts_AndAFailedAppendDoesNotHoldTheStreamClosed()
    {
        var express = new AlarmExpress(1, _ => { });
        Assert.IsTrue(express.TryReopen(0, express.ReopenTicket(0)!.Value));
        var record = TestEvents.Record("p-1", 1);
        var queuedWhenAppendStarted = false;

        var outcome = await express.OfferThenAppend(record, () =>
        {
            queuedWhenAppendStarted = express.IsQueued(0, record.Id);
            return Task.FromResult(AppendOutcome.Stored);
        });

        Assert.IsTrue(queuedWhenAppendStarted, "the lane can never read the row before the express path knows it");
        Assert.AreEqual(AppendOutcome.Stored, outcome);

        // A closed stream owes the alarm to the store; an append that throws must still settle what is owed.
        express.Close(0, express.Take(0, 10));
        Assert.Throws<InvalidOperationException>(() => express.OfferThenAppend(TestEvents.Record("p-1", 2), () => throw new InvalidOperationException("store closed")));
        Assert.IsNotNull(express.ReopenTicket(0), "nothing left pending on the failed append");
    }

    [TestMethod]
    [DataRow(500)]
    [DataRow(1)]
    public async Task ExpressAlarmWaitingForItsMarks_StorePassWaitsInsteadOfReadingItAgainAndAgain(int batchSize)
    {
        var express = NewExpress(1);
        var marks = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queues = new HeldMarks(Store, marks.Task, failFirst: false);
        var forwarder = new Forwarder(queues, Upstream, new ForwarderOptions { BatchSize = batchSize, MaxBackoffMilliseconds = 50, AlarmStreams = 1 }, Metrics, NullLogger<Forwarder>.Instance, TimeProvider.System, express);
        await forwarder.StartAsync(CancellationToken.None);
        bool spun;
        try
        {
            await PostedAndSeenInFlightAsync(express, queues);

            // A negative window: a pass that spins over the row passes 10 more reads at once (measured: ~5,000 reads a
            // second on the alarm thread in the 10k storm, and a full batch of such rows spun too); one that waits
            // makes at most 2 more (a wake that was already pending).
            var spinning = queues.WhenReadsPass(10);
            spun = await Task.WhenAny(spinning, Task.Delay(SpinWindow)) == spinning;

            marks.SetResult();
            await Eventually.WaitAsync(() => Store.PendingCount == 0, TimeSpan.FromSeconds(10), "marked once the marks are let through");
        }
        finally
        {
            await forwarder.StopAsync(CancellationToken.None);
        }

        Assert.IsFalse(spun, "the store pass read the posted row again and again while its marks were held");
        CollectionAssert.AreEqual(new[] { "p-1:1:1" }, Sent(), "posted once");
    }

    [TestMethod]
    public async Task ExpressMarksFail_TheReleaseWakesTheWaitingStream_RowSentAgainWithoutWaitingForThePoll()
    {
        var express = NewExpress(1);
        var marks = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queues = new HeldMarks(Store, marks.Task, failFirst: true);
        // Idle poll far beyond the test's waits: only the release's wake can bring the stream back in time.
        var options = new ForwardStreamOptions { BatchSize = 500, ErrorPause = TimeSpan.FromMilliseconds(50), IdlePoll = TimeSpan.FromMinutes(10) };
        var stream = new ForwardStream(queues.Get(Store.Lanes.Alarm, 0), Upstream, options, new LaneScheduler(Store.Lanes), ResiliencePipeline.Empty, new ForwardReport(Metrics, NullLogger.Instance), TimeProvider.System, express);
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => stream.RunAsync(stop.Token));
        try
        {
            var record = await PostedAndSeenInFlightAsync(express, queues);

            // The express marks fail: the row stays pending, and the stream must look again now, not in 10 minutes.
            marks.SetResult();
            await Eventually.WaitAsync(() => Sent().Count(id => id == record.Id) == 2, TimeSpan.FromSeconds(30), "sent again after its marks failed");
            await Eventually.WaitAsync(() => Store.PendingCount == 0, TimeSpan.FromSeconds(10), "marked after the second post");
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    /// <summary>An alarm of p-1 posted by the express path, committed, its marks held: a store pass has read its row.</summary>
    private async Task<EventRecord> PostedAndSeenInFlightAsync(AlarmExpress express, HeldMarks queues)
    {
        await WaitOpenAsync(express, "p-1");
        var record = TestEvents.Record("p-1", 1, EventTypes.Sos);
        await IngestAsync(express, record);
        await Upstream.WhenReceived(record.Id).WaitAsync(TimeSpan.FromSeconds(5));
        await Eventually.WaitAsync(() => queues.AlarmRowsRead > 0, TimeSpan.FromSeconds(5), "a store pass read the posted row");
        return record;
    }

    private static readonly TimeSpan SpinWindow = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// The store's queues with the alarm lane's reads counted and its marks held until <c>marks</c> completes (the
    /// first one then failing when <c>failFirst</c>).
    /// </summary>
    private sealed class HeldMarks(IForwardQueues inner, Task marks, bool failFirst) : IForwardQueues
    {
        private readonly object _lock = new();
        private int _reads;
        private int _rows;
        private int _marks;
        private (int Reads, TaskCompletionSource Passed)? _watch;

        private Task Marks { get; } = marks;

        private bool FailFirst { get; } = failFirst;

        public int AlarmRowsRead => Volatile.Read(ref _rows);

        public LaneSet Lanes => inner.Lanes;

        public IForwardQueue Get(Lane lane, int shard) => lane.Urgent ? new Queue(inner.Get(lane, shard), this) : inner.Get(lane, shard);

        /// <summary>Completes once <paramref name="more"/> more reads than now have been made.</summary>
        public Task WhenReadsPass(int more)
        {
            lock (_lock)
            {
                var passed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _watch = (_reads + more, passed);
                return passed.Task;
            }
        }

        private void Read(int rows)
        {
            Interlocked.Add(ref _rows, rows);
            lock (_lock)
            {
                _reads++;
                if (_watch is { } watch && _reads > watch.Reads)
                {
                    watch.Passed.TrySetResult();
                }
            }
        }

        private sealed class Queue(IForwardQueue inner, HeldMarks owner) : IForwardQueue
        {
            public Lane Lane => inner.Lane;

            public int Shard => inner.Shard;

            public WakeSignal NewEvents => inner.NewEvents;

            public async ValueTask<IReadOnlyList<EventRecord>> ReadAfterAsync(long afterStoreSequence, int maxCount, CancellationToken cancellationToken)
            {
                var rows = await inner.ReadAfterAsync(afterStoreSequence, maxCount, cancellationToken);
                owner.Read(rows.Count);
                return rows;
            }

            public async Task<int> MarkAsync(IReadOnlyCollection<string> ids, ForwardState state)
            {
                await owner.Marks;
                if (owner.FailFirst && Interlocked.Increment(ref owner._marks) == 1)
                {
                    throw new InvalidOperationException("held mark failed (test)");
                }

                return await inner.MarkAsync(ids, state);
            }
        }
    }

    private Task IngestAsync(AlarmExpress express, EventRecord record) =>
        express.OfferThenAppend(record, () => Store.AppendAsync(record, CancellationToken.None));

    private List<string> Sent() => Upstream.Batches.SelectMany(b => b).Select(e => e.Id).ToList();

    private List<string> AcceptAll()
    {
        var accepted = new List<string>();
        Upstream.Answer = batch =>
        {
            lock (accepted)
            {
                accepted.AddRange(batch.Select(e => e.Id));
            }

            return new UpstreamAnswer(batch.Select(e => e.Id).ToList(), []);
        };
        return accepted;
    }

    private static Task WaitOpenAsync(AlarmExpress express, string device) =>
        Eventually.WaitAsync(() => express.IsOpen(ShardRule.Of(device, express.Streams)), TimeSpan.FromSeconds(5), "express path open");

    private Forwarder NewForwarder(AlarmExpress express, int batchSize = 500) =>
        new(Store, Upstream, new ForwarderOptions { BatchSize = batchSize, MaxBackoffMilliseconds = 50, AlarmStreams = express.Streams }, Metrics, NullLogger<Forwarder>.Instance, TimeProvider.System, express);
}
