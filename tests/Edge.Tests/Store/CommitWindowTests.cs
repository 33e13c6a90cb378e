using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.Edge.Tests.Store;

/// <summary>
/// The writer's commit window on its own (<see cref="CommitWindow"/>): wired to a queue and a wake signal as the writer
/// wires it, <see cref="CommitWindow.Fill"/> on a thread of its own standing in for the writer thread. The store-level
/// behaviour (one commit for heartbeats within the window, an alarm ends it) is in <c>SqliteEventStoreTests</c>.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class CommitWindowTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [TestMethod]
    public async Task Heartbeat_WhileWindowOpen_WakesNobodyTakenAtTheEnd()
    {
        var clock = new ManualClock();
        var rig = new Rig(new StoreOptions { HeartbeatCommitWindowMilliseconds = 5_000, MaxBatchSize = 256 }, clock);
        var batch = new List<WriteRequest> { Heartbeat("pendant-1") };
        var filling = rig.FillAsync(batch);
        await rig.WaitOpenAsync();

        await rig.EnqueueAsync(Heartbeat("pendant-2"), urgent: false);
        await rig.EnqueueAsync(Mark(10), urgent: false);

        Assert.AreEqual(0, rig.Wakes, "a heartbeat and a small mark joining the window wake nobody");
        Assert.IsFalse(filling.IsCompleted);

        // The window's end: the writer's timed wait returns on its own; here the clock moves past it and the signal
        // stands in for the timeout.
        clock.Now += 60_000;
        rig.Work.Set();
        await filling.WaitAsync(Timeout);
        Assert.HasCount(3, batch, "the requests that came quietly are taken at the end, not left for another commit");
    }

    [TestMethod]
    [DataRow("an alarm")]
    [DataRow("an unshared append (an outbox flush)")]
    [DataRow("a mark of a full forward batch")]
    [DataRow("housekeeping")]
    public async Task RequestThatMustNotWait_WhileWindowOpen_WakesTheWriterBatchCommitsNow(string what)
    {
        var (request, urgent) = MustNotWait(what);
        var rig = new Rig(new StoreOptions { HeartbeatCommitWindowMilliseconds = 5_000, MaxBatchSize = 256 }, new ManualClock());
        var batch = new List<WriteRequest> { Heartbeat("pendant-1") };
        var filling = rig.FillAsync(batch);
        await rig.WaitOpenAsync();

        await rig.EnqueueAsync(request, urgent);

        Assert.AreEqual(1, rig.Wakes, what);
        await filling.WaitAsync(Timeout);
        Assert.AreSame(request, batch[^1], what);
    }

    private static (WriteRequest Request, bool Urgent) MustNotWait(string what) => what switch
    {
        "an alarm" => (Alarm("pendant-2"), true),
        "an unshared append (an outbox flush)" => (new AppendRequest(TestEvents.Record("pendant-2", 1, EventTypes.Heartbeat), 1, 0, 0, shared: false), false),
        "a mark of a full forward batch" => (Mark(CommitWindow.SharedMarkIds), false),
        "housekeeping" => (new MaintenanceRequest(), false),
        _ => throw new ArgumentOutOfRangeException(nameof(what), what, null),
    };

    [TestMethod]
    public async Task Heartbeats_FillingTheBatch_WakeTheWriterAtTheLastOne()
    {
        var rig = new Rig(new StoreOptions { HeartbeatCommitWindowMilliseconds = 5_000, MaxBatchSize = 4 }, new ManualClock());
        var batch = new List<WriteRequest> { Heartbeat("pendant-1") };
        var filling = rig.FillAsync(batch);
        await rig.WaitOpenAsync();

        await rig.EnqueueAsync(Heartbeat("pendant-2"), urgent: false);
        await rig.EnqueueAsync(Heartbeat("pendant-3"), urgent: false);
        Assert.AreEqual(0, rig.Wakes);
        await rig.EnqueueAsync(Heartbeat("pendant-4"), urgent: false);

        Assert.AreEqual(1, rig.Wakes, "the queue holds the rest of a full batch");
        await filling.WaitAsync(Timeout);
        Assert.HasCount(4, batch);
    }

    [TestMethod]
    public async Task Heartbeat_NoWindowOpen_WakesTheWriter()
    {
        var rig = new Rig(new StoreOptions { HeartbeatCommitWindowMilliseconds = 5_000 }, new ManualClock());

        await rig.EnqueueAsync(Heartbeat("pendant-1"), urgent: false);

        Assert.AreEqual(1, rig.Wakes, "an idle writer is woken by the first heartbeat");
    }

    private static AppendRequest Heartbeat(string device) =>
        new(TestEvents.Record(device, 1, EventTypes.Heartbeat), laneCode: 1, shard: 0, queueIndex: 0, shared: true);

    private static AppendRequest Alarm(string device) => new(TestEvents.Record(device, 1), laneCode: 0, shard: 0, queueIndex: 0, shared: false);

    private static MarkRequest Mark(int ids) => new(Enumerable.Range(0, ids).Select(i => $"id-{i}").ToList(), ForwardState.Forwarded, queueIndex: 0);

    private sealed class ManualClock
    {
        // The requests' enqueue times are the real tick count: the clock starts there and moves only when told.
        private long _now = Environment.TickCount64;

        public long Now
        {
            get => Volatile.Read(ref _now);
            set => Volatile.Write(ref _now, value);
        }
    }

    /// <summary>A queue, a wake signal and a window wired as the writer wires them; counts the wakes.</summary>
    private sealed class Rig
    {
        private readonly CommitWindow _window;
        private readonly WriteQueue<WriteRequest> _queue;
        private int _wakes;

        public Rig(StoreOptions options, ManualClock clock)
        {
            _queue = new WriteQueue<WriteRequest>(options.QueueCapacity, (request, urgent) =>
            {
                if (_window!.WakesWriter(request, urgent))
                {
                    Interlocked.Increment(ref _wakes);
                    Work.Set();
                }
            });
            _window = new CommitWindow(options, _queue, Work, () => clock.Now);
        }

        public ManualResetEventSlim Work { get; } = new(false);

        public int Wakes => Volatile.Read(ref _wakes);

        public ValueTask EnqueueAsync(WriteRequest request, bool urgent) => _queue.EnqueueAsync(request, urgent, CancellationToken.None);

        public Task FillAsync(List<WriteRequest> batch) =>
            Task.Factory.StartNew(() => _window.Fill(batch, () => false), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        public Task WaitOpenAsync() => Task.Run(() =>
        {
            if (!SpinWait.SpinUntil(() => _window.IsOpen, Timeout))
            {
                throw new TimeoutException("the window never opened");
            }
        });
    }
}
