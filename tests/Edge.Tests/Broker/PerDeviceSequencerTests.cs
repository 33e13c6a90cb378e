using Eldercare.Edge.Gateway.Broker;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Ingest;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Eldercare.Edge.Tests.Broker;

[TestClass]
[TestCategory("Unit")]
public sealed class PerDeviceSequencerTests
{
    [TestMethod]
    public async Task Run_SameDevice_NextStartsOnlyAfterThePreviousCompleted()
    {
        var sequencer = new PerDeviceSequencer<int>();
        var first = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool? firstDoneWhenSecondStarted = null;

        var a = sequencer.Run("p-1", () => first.Task);
        var b = sequencer.Run("p-1", () =>
        {
            // Recorded when it starts, whenever that is: no pause needed to catch a second item that runs early.
            firstDoneWhenSecondStarted = first.Task.IsCompleted;
            return Task.FromResult(2);
        });
        Assert.IsNull(firstDoneWhenSecondStarted, "the device's next item waits for the one before it");

        first.SetResult(1);
        Assert.AreEqual(1, await a);
        Assert.AreEqual(2, await b.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.IsTrue(firstDoneWhenSecondStarted, "the second item started only after the first completed");
    }

    [TestMethod]
    public async Task Run_OtherDevice_StartsAtOnce_AndFinishedDevicesAreForgotten()
    {
        var sequencer = new PerDeviceSequencer<int>();
        var blocked = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = sequencer.Run("p-1", () => blocked.Task);

        var other = await sequencer.Run("p-2", () => Task.FromResult(7)).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.AreEqual(7, other);
        blocked.SetResult(1);
        await Eventually.WaitAsync(() => sequencer.ActiveDevices == 0, TimeSpan.FromSeconds(5), "no state kept for idle devices");
    }

    [TestMethod]
    public async Task Run_PreviousFailed_NextStillRunsAndEachReportsItsOwnOutcome()
    {
        var sequencer = new PerDeviceSequencer<int>();
        var failing = sequencer.Run("p-1", () => Task.FromException<int>(new InvalidOperationException("store failed")));
        var next = sequencer.Run("p-1", () => Task.FromResult(2));
        var throwing = sequencer.Run("p-2", () => throw new InvalidOperationException("thrown before a task"));

        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => failing);
        Assert.AreEqual(2, await next.WaitAsync(TimeSpan.FromSeconds(5)));
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => throwing);
    }

    [TestMethod]
    public async Task Ingest_TelemetryWaitingForABulkSlot_NotOvertakenByTheDevicesNextEvent()
    {
        // The external-broker case: mosquitto hands over a backlog at once. h2 waits for a bulk slot (all taken); a
        // second later h3 would qualify for the fast lane and be stored before h2. Sequenced, it waits for h2.
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var directory = new TempDirectory("sequenced-ingest");
        var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = directory.Path });
        try
        {
            var admission = new TelemetryAdmission(new IngestOptions { TelemetryConcurrency = 1, SettledAfterSeconds = 10, FastLaneIntervalMilliseconds = 1000 }, time);
            using var rejections = new RejectionLog(NullLogger.Instance, time, TimeSpan.FromMinutes(1));
            var skew = new ClockSkewMonitor(new IngestOptions(), NullLogger<ClockSkewMonitor>.Instance);
            var ingestor = new EventIngestor(store, store, new GatewayMetrics(), NullLogger<EventIngestor>.Instance, time, skew, admission, new AlarmExpress(1, _ => { }), rejections);
            var sequencer = new PerDeviceSequencer<IngestResult>();
            Task<IngestResult> Ingest(int seq) => sequencer.Run("pendant-1", () => ingestor.IngestAsync("pendant-1", Payload(seq), CancellationToken.None));

            Assert.AreEqual(IngestOutcome.Stored, (await Ingest(1)).Outcome, "a settled device's first event takes the fast lane");
            var held = await admission.EnterBulkAsync(CancellationToken.None);
            var h2 = Ingest(2);
            time.Advance(TimeSpan.FromSeconds(2));
            var h3 = Ingest(3);
            // Both decided synchronously: h2 waits for the slot this test holds, and h3 (sequenced) has not started.
            // The store order below is what proves h3 did not overtake h2, whenever it would have.
            Assert.AreEqual(1, admission.Waiting, "h2 waits for a bulk slot");
            Assert.IsFalse(h2.IsCompleted, "h2 waits for a bulk slot");
            Assert.IsFalse(h3.IsCompleted, "h3 waits for h2, though the fast lane would take it");

            held.Dispose();
            await Task.WhenAll(h2, h3).WaitAsync(TimeSpan.FromSeconds(5));
            var order = (await TestStores.PendingAsync(store, EventTypes.TelemetryLane)).Select(e => e.Sequence).ToList();
            CollectionAssert.AreEqual(new[] { 1, 2, 3 }, order, "store order = the device's order");
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    private static byte[] Payload(int seq) => EventCodec.Encode(TestEvents.Make("pendant-1", seq: seq, type: EventTypes.Heartbeat));
}
