using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Eldercare.Edge.Tests.Forwarding;

[TestClass]
[TestCategory("Unit")]
public sealed class ForwarderTests : ForwardingFixture
{
    [TestMethod]
    public async Task Run_MixedLanesBacklogAtStart_AlarmsBeforeAnyTelemetryPerDeviceOrderKept()
    {
        foreach (var (dev, seq, type) in new[] { ("p-1", 1, EventTypes.Heartbeat), ("p-1", 2, EventTypes.Sos), ("p-2", 1, EventTypes.Heartbeat), ("p-1", 3, EventTypes.Heartbeat), ("p-2", 2, EventTypes.Fall) })
        {
            await Store.AppendAsync(TestEvents.Record(dev, seq, type), CancellationToken.None);
        }

        await RunUntilAsync(NewForwarder(batchSize: 2), () => Store.PendingCount == 0, "all forwarded");

        var order = Upstream.Batches.SelectMany(b => b).ToList();
        Assert.HasCount(5, order);
        Assert.IsLessThan(order.FindIndex(e => e.Lane == EventTypes.TelemetryLane), order.FindLastIndex(e => e.Lane == EventTypes.AlarmLane), "every alarm before any telemetry");
        CollectionAssert.AreEqual(new[] { "p-1:1:1", "p-1:1:3" }, order.Where(e => e.DeviceId == "p-1" && e.Lane == EventTypes.TelemetryLane).Select(e => e.Id).ToArray());
        Assert.AreEqual(5, Metrics.Forwarded);
        Assert.IsTrue(Upstream.Batches.All(b => b.Count <= 2));
    }

    [TestMethod]
    public async Task Run_UpstreamFailsThenRecovers_RetriesOnTheClockWithoutDuplicatesAndCounts()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await Store.AppendAsync(TestEvents.Record("p-1", 1), CancellationToken.None);
        Upstream.FailuresLeft = 3;
        var forwarder = NewForwarder(time: time);
        await forwarder.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.WaitAsync(() => Upstream.Batches.Count == 1, TimeSpan.FromSeconds(10), "the first attempt");
            // The back-off runs on the injected clock: without moving it, no second attempt comes.
            Assert.HasCount(1, Upstream.Batches);
            await Eventually.WaitAsync(() =>
            {
                time.Advance(TimeSpan.FromMilliseconds(50));
                return Metrics.Forwarded == 1;
            }, TimeSpan.FromSeconds(10), "delivered once the clock passed the back-offs");
        }
        finally
        {
            await forwarder.StopAsync(CancellationToken.None);
        }

        Assert.AreEqual(3, Metrics.ForwardFailures);
        Assert.AreEqual(1, Metrics.Forwarded);
        Assert.HasCount(4, Upstream.Batches);
    }

    [TestMethod]
    public async Task Run_AlarmArrivesDuringOutage_OvertakesQueuedTelemetry()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await Store.AppendAsync(TestEvents.Record("p-1", 1, EventTypes.Heartbeat), CancellationToken.None);
        Upstream.FailuresLeft = 1;
        Upstream.BeforeAnswer = async attempt =>
        {
            if (attempt == 1)
            {
                // Stored while the failing attempt (the telemetry batch) is in flight.
                await Store.AppendAsync(TestEvents.Record("p-1", 2, EventTypes.Sos), CancellationToken.None);
            }
        };

        var forwarder = NewForwarder(time: time);
        await forwarder.StartAsync(CancellationToken.None);
        try
        {
            // The telemetry retry waits on the clock, which does not move until the alarm has gone.
            await Upstream.WhenReceived("p-1:1:2").WaitAsync(TimeSpan.FromSeconds(10));
            await Eventually.WaitAsync(() =>
            {
                time.Advance(TimeSpan.FromMilliseconds(50));
                return Store.PendingCount == 0;
            }, TimeSpan.FromSeconds(10), "the telemetry after the outage");
        }
        finally
        {
            await forwarder.StopAsync(CancellationToken.None);
        }

        var afterOutage = Upstream.Batches.Skip(1).SelectMany(b => b).Select(e => e.Id).ToArray();
        CollectionAssert.AreEqual(new[] { "p-1:1:2", "p-1:1:1" }, afterOutage, "the alarm goes first once the upstream is back: " + string.Join(" | ", Upstream.Batches.Select(b => string.Join(",", b.Select(e => e.Id)))));
    }

    [TestMethod]
    public async Task Run_UpstreamTakesHalf_RestResentUntilAllDone()
    {
        for (var seq = 1; seq <= 5; seq++)
        {
            await Store.AppendAsync(TestEvents.Record("p-1", seq, EventTypes.Heartbeat), CancellationToken.None);
        }

        Upstream.Answer = batch => new UpstreamAnswer(batch.Take((batch.Count + 1) / 2).Select(e => e.Id).ToList(), []);

        await RunUntilAsync(NewForwarder(), () => Store.PendingCount == 0, "all forwarded");

        Assert.AreEqual(5, Metrics.Forwarded);
        var firstSeen = Upstream.Batches.SelectMany(b => b).Select(e => e.Id).Distinct().ToArray();
        CollectionAssert.AreEqual(Enumerable.Range(1, 5).Select(s => $"p-1:1:{s}").ToArray(), firstSeen);
    }

    [TestMethod]
    public async Task Run_UpstreamRejectsOne_MarkedNotResentOthersDelivered()
    {
        await Store.AppendAsync(TestEvents.Record("p-1", 1), CancellationToken.None);
        await Store.AppendAsync(TestEvents.Record("p-1", 2), CancellationToken.None);
        Upstream.Answer = batch => new UpstreamAnswer(batch.Where(e => e.Sequence != 1).Select(e => e.Id).ToList(), [new UpstreamRejection("p-1:1:1", "bad_field")]);

        await RunUntilAsync(NewForwarder(), () => Store.PendingCount == 0, "answered");

        Assert.AreEqual(1, Metrics.UpstreamRejected);
        Assert.HasCount(1, Upstream.Batches);
    }

    [TestMethod]
    public async Task Run_EventCommittedWhileIdle_ForwardedWithoutPolling()
    {
        var forwarder = NewForwarder();
        await forwarder.StartAsync(CancellationToken.None);
        try
        {
            await Store.AppendAsync(TestEvents.Record("p-1", 1), CancellationToken.None);

            // Well under the 5 s safety poll: the commit signal woke the forwarder.
            await Upstream.WhenReceived("p-1:1:1").WaitAsync(TimeSpan.FromSeconds(3));
        }
        finally
        {
            await forwarder.StopAsync(CancellationToken.None);
        }
    }

    [TestMethod]
    public async Task Run_WarmThrows_ProcessLivesAndAlarmsStillForwarded()
    {
        // A CI run ended the test host: an ObjectDisposedException from warming escaped the alarm lane's thread.
        Upstream.WarmThrows = new ObjectDisposedException("HttpConnectionResponseContent");
        var forwarder = NewForwarder();
        await forwarder.StartAsync(CancellationToken.None);
        try
        {
            await Store.AppendAsync(TestEvents.Record("p-1", 1, EventTypes.Sos), CancellationToken.None);

            await Upstream.WhenReceived("p-1:1:1").WaitAsync(TimeSpan.FromSeconds(3));
        }
        finally
        {
            await forwarder.StopAsync(CancellationToken.None);
        }
    }

    [TestMethod]
    public async Task Run_TelemetryPipelinedWithPartialAnswersAndFailures_EachEventOnceInStoreOrder()
    {
        // 1,000 heartbeats from 10 devices in batches of 50, read ahead while a batch is in flight. Every third
        // answer takes only the first half of the batch and two attempts fail outright: the rest of a batch must
        // go again before anything stored after it, and nothing accepted may be sent twice.
        for (var seq = 1; seq <= 100; seq++)
        {
            for (var d = 0; d < 10; d++)
            {
                await Store.AppendAsync(TestEvents.Record($"p-{d}", seq, EventTypes.Heartbeat), CancellationToken.None);
            }
        }

        var accepted = PartialAnswersAndTwoOutages();

        var forwarder = NewForwarder(batchSize: 50);
        await forwarder.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.WaitAsync(() => Store.PendingCount == 0, TimeSpan.FromSeconds(20), "all telemetry forwarded");
        }
        finally
        {
            await forwarder.StopAsync(CancellationToken.None);
        }

        Assert.AreEqual(0, Store.PendingCount);
        // Per device, the accepted order is the store order.
        AssertEachOnceInOrderPerDevice(accepted, 1000, 100, "event");
    }

    [TestMethod]
    public async Task Run_AlarmsArrivingWithPartialAnswersAndFailures_EachAlarmOnceInStoreOrder()
    {
        // The alarm lane reads after its cursor while the previous batch's marks commit: 300 alarms from 10 devices
        // arrive while it runs, every third answer takes only the first half of the batch and two attempts fail.
        // The rest of a batch must go again before anything stored after it, and nothing accepted twice.
        var accepted = PartialAnswersAndTwoOutages();

        var forwarder = NewForwarder(batchSize: 20);
        await forwarder.StartAsync(CancellationToken.None);
        try
        {
            for (var seq = 1; seq <= 30; seq++)
            {
                await Task.WhenAll(Enumerable.Range(0, 10).Select(d => Store.AppendAsync(TestEvents.Record($"p-{d}", seq, seq % 2 == 0 ? EventTypes.Sos : EventTypes.Fall), CancellationToken.None)));
            }

            await Eventually.WaitAsync(() => Store.PendingCount == 0, TimeSpan.FromSeconds(20), "all alarms forwarded");
        }
        finally
        {
            await forwarder.StopAsync(CancellationToken.None);
        }

        AssertEachOnceInOrderPerDevice(accepted, 300, 30, "alarm");
        Assert.IsTrue(Upstream.Batches.All(b => b.All(e => e.Lane == EventTypes.AlarmLane)));
    }

    [TestMethod]
    public async Task Run_AlarmWhileTelemetryBacklogDrains_AlarmForwardedOnItsOwnThread()
    {
        for (var seq = 1; seq <= 300; seq++)
        {
            await Store.AppendAsync(TestEvents.Record("p-1", seq, EventTypes.Heartbeat), CancellationToken.None);
        }

        var forwarder = NewForwarder(batchSize: 50);
        await forwarder.StartAsync(CancellationToken.None);
        try
        {
            await Store.AppendAsync(TestEvents.Record("p-2", 1, EventTypes.Sos), CancellationToken.None);
            await Eventually.WaitAsync(() => Store.PendingCount == 0, TimeSpan.FromSeconds(20), "all forwarded");
        }
        finally
        {
            await forwarder.StopAsync(CancellationToken.None);
        }

        var sos = Upstream.Batches.Where(b => b.Any(e => e.Type == EventTypes.Sos)).ToList();
        Assert.HasCount(1, sos, "the alarm went in exactly one request");
        Assert.IsTrue(sos[0].All(e => e.Type == EventTypes.Sos), "an alarm request carries alarms only");
        Assert.AreEqual(301, Metrics.Forwarded);
    }

    [TestMethod]
    [DataRow(2)]
    [DataRow(1)]
    public async Task Run_OneAlarmStreamsPostStalled_OtherDevicesAlarmsGoThroughOnlyWithTwoStreams(int streams)
    {
        // p-0 and p-1 are in different shares of two (last characters '0' and '1'). The upstream holds p-0's POST
        // until released; with two alarm streams p-1's alarm is delivered meanwhile, with one it waits behind it.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Upstream.BeforeAnswer = attempt => attempt == 1 ? release.Task : Task.CompletedTask;
        var forwarder = NewForwarder(alarmStreams: streams);
        await forwarder.StartAsync(CancellationToken.None);
        bool otherThroughWhileStalled;
        try
        {
            await Store.AppendAsync(TestEvents.Record("p-0", 1, EventTypes.Sos), CancellationToken.None);
            await Upstream.WhenReceived("p-0:1:1").WaitAsync(TimeSpan.FromSeconds(10));
            var otherReceived = Upstream.WhenReceived("p-1:1:1");
            await Store.AppendAsync(TestEvents.Record("p-1", 1, EventTypes.Fall), CancellationToken.None);
            // Two streams: the signal comes at once. One stream: nothing can signal "p-1 waits", so 2 s without it
            // is the evidence (the one negative window left in this class).
            otherThroughWhileStalled = await Task.WhenAny(otherReceived, Task.Delay(TimeSpan.FromSeconds(2))) == otherReceived;
            release.SetResult();
            await Eventually.WaitAsync(() => Store.PendingCount == 0, TimeSpan.FromSeconds(10), "both forwarded");
        }
        finally
        {
            release.TrySetResult();
            await forwarder.StopAsync(CancellationToken.None);
        }

        Assert.AreEqual(streams == 2, otherThroughWhileStalled, $"p-1's alarm delivered while p-0's POST was stalled ({streams} streams)");
        Assert.AreEqual(2, Metrics.Forwarded);
        CollectionAssert.AreEquivalent(new[] { "p-0:1:1", "p-1:1:1" }, Upstream.Batches.SelectMany(b => b).Select(e => e.Id).ToList(), "each alarm sent once");
    }

    [TestMethod]
    public void Constructor_NoAlarmExpress_ThrowsArgumentNull()
    {
        var thrown = Assert.ThrowsExactly<ArgumentNullException>(() =>
            new Forwarder(Store, Upstream, new ForwarderOptions(), Metrics, NullLogger<Forwarder>.Instance, TimeProvider.System, null!));

        Assert.AreEqual("express", thrown.ParamName, "a forwarder with an express path of its own would wait for alarms ingest never offers it");
    }

    [TestMethod]
    public void Constructor_ExpressWithOtherStreamCount_Throws()
    {
        var options = new ForwarderOptions { AlarmStreams = 2 };

        Assert.ThrowsExactly<ArgumentException>(() =>
            new Forwarder(Store, Upstream, options, Metrics, NullLogger<Forwarder>.Instance, TimeProvider.System, new AlarmExpress(1, _ => { })));
    }

    /// <summary>As the gateway wires it: the forwarder reads the express path that ingest (here: nobody) feeds.</summary>
    private Forwarder NewForwarder(int batchSize = 500, int? alarmStreams = null, TimeProvider? time = null)
    {
        var defaults = new ForwarderOptions();
        var options = new ForwarderOptions { BatchSize = batchSize, MaxBackoffMilliseconds = 50, AlarmStreams = alarmStreams ?? defaults.AlarmStreams };
        var express = NewExpress(options.AlarmStreams);
        return new Forwarder(Store, Upstream, options, Metrics, NullLogger<Forwarder>.Instance, time ?? TimeProvider.System, express);
    }

    /// <summary>The production loop, started and stopped around a wait for <paramref name="done"/>.</summary>
    private static async Task RunUntilAsync(Forwarder forwarder, Func<bool> done, string what)
    {
        await forwarder.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.WaitAsync(done, TimeSpan.FromSeconds(20), what);
        }
        finally
        {
            await forwarder.StopAsync(CancellationToken.None);
        }
    }
}
