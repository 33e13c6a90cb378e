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

namespace Eldercare.Edge.Tests.Ingest;

[TestClass]
[TestCategory("Unit")]
public sealed class TelemetryAdmissionTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-23T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private TelemetryAdmission NewAdmission(int slots = 4) =>
        new(new IngestOptions { TelemetryConcurrency = slots, SettledAfterSeconds = 10, FastLaneIntervalMilliseconds = 1000 }, _time);

    private RejectionLog NewRejectionLog() => new(NullLogger.Instance, _time, TimeSpan.FromMinutes(1));

    /// <summary>What the gateway gives ingest, with no forwarder reading <paramref name="express"/>.</summary>
    private EventIngestor NewIngestor(SqliteEventStore store, TelemetryAdmission admission, AlarmExpress express, RejectionLog rejections) =>
        new(store, store, new GatewayMetrics(), NullLogger<EventIngestor>.Instance, _time, new ClockSkewMonitor(new IngestOptions(), NullLogger<ClockSkewMonitor>.Instance), admission, express, rejections);

    [TestMethod]
    public void TryFastLane_NewConnection_BulkUntilSettledThenOncePerInterval()
    {
        var admission = NewAdmission();
        admission.SessionStarted("pendant-1");

        Assert.IsFalse(admission.TryFastLane("pendant-1"), "a fresh connection is flushing its outbox");
        _time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.IsFalse(admission.TryFastLane("pendant-1"));
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.IsTrue(admission.TryFastLane("pendant-1"), "settled: a heartbeat goes straight in");
        Assert.IsFalse(admission.TryFastLane("pendant-1"), "a second event within the interval is bulk");
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.IsTrue(admission.TryFastLane("pendant-1"));
    }

    [TestMethod]
    public void TryFastLane_Reconnect_BulkAgain()
    {
        var admission = NewAdmission();
        admission.SessionStarted("pendant-1");
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.IsTrue(admission.TryFastLane("pendant-1"));

        admission.SessionStarted("pendant-1");
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.IsFalse(admission.TryFastLane("pendant-1"), "reconnected 5 s ago: flushing");
    }

    [TestMethod]
    public void TryFastLane_DeviceNeverSeenConnecting_SettledButRateLimited()
    {
        // External broker mode: mosquitto holds the connections, the gateway never sees a CONNECT.
        var admission = NewAdmission();

        Assert.IsTrue(admission.TryFastLane("pendant-9"));
        Assert.IsFalse(admission.TryFastLane("pendant-9"));
    }

    [TestMethod]
    public async Task EnterBulk_AllSlotsTaken_WaitsUntilOneIsGivenBack()
    {
        var admission = NewAdmission(slots: 2);
        var first = await admission.EnterBulkAsync(CancellationToken.None);
        using var second = await admission.EnterBulkAsync(CancellationToken.None);

        var third = admission.EnterBulkAsync(CancellationToken.None).AsTask();
        // Registered as waiting before EnterBulkAsync returns; only the Dispose below can free a slot.
        Assert.AreEqual(1, admission.Waiting);
        Assert.IsFalse(third.IsCompleted);

        first.Dispose();
        using var entered = await third.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.AreEqual(0, admission.Waiting);
    }

    [TestMethod]
    public async Task Ingest_BulkSlotsFull_AlarmStoredAtOnceTelemetryWaitsUnacknowledged()
    {
        using var directory = new TempDirectory("admission");
        var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = directory.Path });
        try
        {
            var admission = NewAdmission(slots: 1);
            using var rejections = NewRejectionLog();
            var ingestor = NewIngestor(store, admission, new AlarmExpress(1, _ => { }), rejections);
            admission.SessionStarted("pendant-1");
            admission.SessionStarted("pendant-2");
            var held = await admission.EnterBulkAsync(CancellationToken.None);

            var heartbeat = ingestor.IngestAsync("pendant-1", Payload("pendant-1", 1, EventTypes.Heartbeat), CancellationToken.None);
            var sos = await ingestor.IngestAsync("pendant-2", Payload("pendant-2", 1, EventTypes.Sos), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

            Assert.AreEqual(IngestOutcome.Stored, sos.Outcome, "the alarm did not wait for a bulk slot");
            // Ingest reaches the bulk slots without an await before them, so the heartbeat is counted as waiting at
            // once, and only the held slot's Dispose below can let it through.
            Assert.AreEqual(1, admission.Waiting);
            Assert.IsFalse(heartbeat.IsCompleted, "the flushing device's heartbeat waits (no PUBACK yet)");

            held.Dispose();
            Assert.AreEqual(IngestOutcome.Stored, (await heartbeat.WaitAsync(TimeSpan.FromSeconds(5))).Outcome);
            Assert.AreEqual(2, store.PendingCount);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [TestMethod]
    public async Task Ingest_AlarmOfferedToTheExpressPathTelemetryNot_ResultStillWaitsForTheStore()
    {
        using var directory = new TempDirectory("express-ingest");
        var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = directory.Path });
        try
        {
            var express = new AlarmExpress(1, _ => { });
            Assert.IsTrue(express.TryReopen(0, express.ReopenTicket(0)!.Value));
            using var rejections = NewRejectionLog();
            var ingestor = NewIngestor(store, NewAdmission(), express, rejections);

            var sos = await ingestor.IngestAsync("pendant-2", Payload("pendant-2", 1, EventTypes.Sos), CancellationToken.None);
            var heartbeat = await ingestor.IngestAsync("pendant-2", Payload("pendant-2", 2, EventTypes.Heartbeat), CancellationToken.None);

            var offered = express.Take(0, 10);
            Assert.HasCount(1, offered);
            Assert.AreEqual("pendant-2:1:1", offered[0].Record.Id);
            Assert.IsTrue(offered[0].Stored.IsCompletedSuccessfully, "the offer's commit task completed with the store's append");
            Assert.AreEqual(IngestOutcome.Stored, sos.Outcome, "acknowledged as stored (after the commit)");
            Assert.AreEqual(IngestOutcome.Stored, heartbeat.Outcome);
            Assert.AreEqual(2, store.PendingCount);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    private static byte[] Payload(string device, int seq, string type) =>
        System.Text.Encoding.UTF8.GetBytes(EventCodec.EncodeToString(TestEvents.Make(device, seq, type, 1)));
}
