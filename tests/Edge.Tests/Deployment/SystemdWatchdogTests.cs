using Eldercare.Edge.Gateway.Broker;
using Eldercare.Edge.Gateway.Hosting;
using Eldercare.Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Eldercare.Edge.Tests.Deployment;

/// <summary>The gateway's own WATCHDOG=1 (Hosting/SystemdWatchdog.cs): sent only while every part is alive.</summary>
[TestClass]
[TestCategory("Deployment")]
public sealed class SystemdWatchdogTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    [TestMethod]
    public void Tick_EveryCheckPasses_SendsWatchdog()
    {
        var notifier = new FakeNotifier();
        var watchdog = NewWatchdog(notifier, Interval, new LivenessCheck("store", () => null), new LivenessCheck("broker", () => null));

        var sent = watchdog.Tick();

        Assert.IsTrue(sent);
        CollectionAssert.AreEqual(new[] { "WATCHDOG=1" }, notifier.States);
    }

    [TestMethod]
    public void Tick_OneLoopStuck_NothingSentUntilItRecovers()
    {
        var notifier = new FakeNotifier();
        string? brokerProblem = "an accept loop has ended";
        var watchdog = NewWatchdog(notifier, Interval, new LivenessCheck("store", () => null), new LivenessCheck("broker", () => brokerProblem));

        var whileStuck = watchdog.Tick() || watchdog.Tick();
        brokerProblem = null;
        var afterRecovery = watchdog.Tick();

        Assert.IsFalse(whileStuck);
        Assert.IsTrue(afterRecovery);
        CollectionAssert.AreEqual(new[] { "WATCHDOG=1" }, notifier.States, "one ping, after the recovery only");
    }

    [TestMethod]
    public async Task Run_OnTheClock_PingsEveryHalfIntervalAndStopsWhenAStoreStalls()
    {
        var time = new FakeTimeProvider();
        var notifier = new FakeNotifier();
        var asked = new SemaphoreSlim(0);
        long commits = 0;
        var queued = 0;
        var store = new StoreProgressCheck(() => commits, () => queued, () => true, time, TimeSpan.FromSeconds(20));
        // Pings sent before each pass began (the passes run one after another, so this is exact).
        var sentBeforePass = new List<int>();
        using var watchdog = NewWatchdog(notifier, Interval, time, new LivenessCheck("store", () =>
        {
            sentBeforePass.Add(notifier.States.Count);
            var problem = store.Problem();
            asked.Release();
            return problem;
        }));

        await watchdog.StartAsync(CancellationToken.None);
        await WaitAsync(asked, "the first pass at start");
        for (var i = 0; i < 3; i++)
        {
            time.Advance(Interval / 2);
            await WaitAsync(asked, $"pass {i + 2}");
        }

        queued = 5; // writes wait and no commit comes: the writer is stuck
        for (var i = 0; i < 4; i++)
        {
            time.Advance(Interval / 2);
            await WaitAsync(asked, $"stalled pass {i + 1}");
        }

        await watchdog.StopAsync(CancellationToken.None);

        // At start and every 15 s while healthy; the first stalled pass is within the 20 s grace (15 s without a
        // commit), from the second on (30 s) nothing more is sent.
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3, 4, 5, 5, 5 }, sentBeforePass);
        Assert.HasCount(5, notifier.States);
        Assert.IsTrue(notifier.States.All(state => state == "WATCHDOG=1"));
    }

    [TestMethod]
    public async Task Run_NotUnderSystemd_DoesNothing()
    {
        var checkedOnce = false;
        using var noNotifier = NewWatchdog(null, Interval, new LivenessCheck("store", () => { checkedOnce = true; return null; }));
        var disabled = new FakeNotifier { IsEnabled = false };
        using var notifierOff = NewWatchdog(disabled, Interval, new LivenessCheck("store", () => { checkedOnce = true; return null; }));
        var enabled = new FakeNotifier();
        using var noInterval = NewWatchdog(enabled, null, new LivenessCheck("store", () => { checkedOnce = true; return null; }));

        foreach (var watchdog in new[] { noNotifier, notifierOff, noInterval })
        {
            await watchdog.StartAsync(CancellationToken.None);
            await watchdog.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.IsFalse(watchdog.Enabled);
        }

        Assert.IsFalse(checkedOnce);
        Assert.IsEmpty(disabled.States);
        Assert.IsEmpty(enabled.States);
    }

    [TestMethod]
    [DataRow("30000000", null, 30.0)]
    [DataRow("30000000", "self", 30.0)]
    [DataRow("30000000", "1", -1.0)]
    [DataRow("0", null, -1.0)]
    [DataRow("-5", null, -1.0)]
    [DataRow("thirty", null, -1.0)]
    [DataRow(null, null, -1.0)]
    public void IntervalFromEnvironment_Vectors(string? microseconds, string? pid, double expectedSeconds)
    {
        const int ProcessId = 4242;
        var variables = new Dictionary<string, string?>
        {
            ["WATCHDOG_USEC"] = microseconds,
            ["WATCHDOG_PID"] = pid == "self" ? "4242" : pid,
        };

        var interval = SystemdWatchdog.IntervalFromEnvironment(name => variables.GetValueOrDefault(name), ProcessId);

        Assert.AreEqual(expectedSeconds < 0 ? null : TimeSpan.FromSeconds(expectedSeconds), interval);
    }

    [TestMethod]
    public void StoreProgressCheck_IdleStoreWithoutCommitsForLong_Healthy()
    {
        var time = new FakeTimeProvider();
        var check = new StoreProgressCheck(() => 7, () => 0, () => true, time, TimeSpan.FromSeconds(20));

        time.Advance(TimeSpan.FromHours(3));

        Assert.IsNull(check.Problem());
    }

    [TestMethod]
    public void StoreProgressCheck_WritesQueuedAndCommitsComing_Healthy()
    {
        var time = new FakeTimeProvider();
        long commits = 0;
        var check = new StoreProgressCheck(() => commits, () => 50, () => true, time, TimeSpan.FromSeconds(20));

        string? problem = null;
        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromSeconds(15));
            commits++;
            problem ??= check.Problem();
        }

        Assert.IsNull(problem);
    }

    [TestMethod]
    public void StoreProgressCheck_WritesQueuedNoCommitPastTheLimit_Problem()
    {
        var time = new FakeTimeProvider();
        var check = new StoreProgressCheck(() => 3, () => 50, () => true, time, TimeSpan.FromSeconds(20));

        time.Advance(TimeSpan.FromSeconds(19));
        var withinGrace = check.Problem();
        time.Advance(TimeSpan.FromSeconds(1));
        var past = check.Problem();

        Assert.IsNull(withinGrace);
        Assert.AreEqual("50 writes queued and no commit for 20 s", past);
    }

    [TestMethod]
    public void StoreProgressCheck_WriterThreadGone_Problem()
    {
        var check = new StoreProgressCheck(() => 3, () => 0, () => false, new FakeTimeProvider(), TimeSpan.FromSeconds(20));

        Assert.AreEqual("the store's writer thread is not running", check.Problem());
    }

    [TestMethod]
    public async Task Gateway_RunningThenBrokerStopped_WatchdogWithheld()
    {
        // The real gateway's checks (store, forwarder, broker), as wired by GatewayHost.
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-1"]);
        var watchdog = stack.Gateway.Services.GetServices<IHostedService>().OfType<SystemdWatchdog>().Single();

        var whileRunning = watchdog.Tick();
        await stack.Gateway.Services.GetRequiredService<DeviceBroker>().StopAsync(CancellationToken.None);
        var brokerStopped = watchdog.Tick();

        Assert.IsTrue(whileRunning);
        Assert.IsFalse(brokerStopped);
    }

    private static SystemdWatchdog NewWatchdog(ISystemdNotifier? notifier, TimeSpan? interval, params LivenessCheck[] checks) =>
        NewWatchdog(notifier, interval, TimeProvider.System, checks);

    private static SystemdWatchdog NewWatchdog(ISystemdNotifier? notifier, TimeSpan? interval, TimeProvider time, params LivenessCheck[] checks) =>
        new(notifier, interval, checks, time, NullLogger<SystemdWatchdog>.Instance);

    private static async Task WaitAsync(SemaphoreSlim signal, string what)
    {
        if (!await signal.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.Fail($"the watchdog did not run {what} within 10 s");
        }
    }

    private sealed class FakeNotifier : ISystemdNotifier
    {
        private readonly List<string> _states = [];

        public bool IsEnabled { get; init; } = true;

        public List<string> States
        {
            get
            {
                lock (_states)
                {
                    return _states.ToList();
                }
            }
        }

        public void Notify(ServiceState state)
        {
            lock (_states)
            {
                _states.Add(state.ToString());
            }
        }
    }
}
