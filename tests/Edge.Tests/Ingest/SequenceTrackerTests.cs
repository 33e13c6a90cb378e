using Eldercare.Edge.Gateway.Ingest;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.Edge.Tests.Ingest;

[TestClass]
[TestCategory("Unit")]
public sealed class SequenceTrackerTests
{
    private const string Alarm = EventTypes.AlarmLane;
    private const string Telemetry = EventTypes.TelemetryLane;

    [TestMethod]
    public void Observe_UnknownDevice_AheadNotBehind()
    {
        var tracker = new SequenceTracker();

        Assert.AreEqual(new SequenceTracker.Observation(true, false), tracker.Observe("p-1", Alarm, 1, 1));
    }

    [TestMethod]
    public void Observe_AlarmReusingSeqOfTelemetry_NotAhead()
    {
        // The attack run's case: a heartbeat, then an SOS with the same id. The SOS must not be expressed.
        var tracker = new SequenceTracker();
        tracker.Observe("p-1", Telemetry, 1, 42);

        var sos = tracker.Observe("p-1", Alarm, 1, 42);

        Assert.IsFalse(sos.Ahead);
        Assert.IsFalse(sos.Behind, "the alarm lane has not seen 42: not a regression of its lane");
    }

    [TestMethod]
    public void Observe_NewAlarmBeforeOlderQueuedTelemetry_AheadAndTelemetryNotBehind()
    {
        // A device's outbox sends alarms before older telemetry: heartbeat 10 queued, SOS 11 goes first.
        var tracker = new SequenceTracker();
        tracker.Observe("p-1", Telemetry, 1, 9);

        var sos = tracker.Observe("p-1", Alarm, 1, 11);
        var heartbeat = tracker.Observe("p-1", Telemetry, 1, 10);

        Assert.IsTrue(sos.Ahead);
        Assert.IsFalse(heartbeat.Behind);
    }

    [TestMethod]
    public void Observe_ServiceEventBeforeOlderTelemetry_NeitherBehind_ButALowerServiceSeqIs()
    {
        // Three lanes, each its own order: a kiosk's request (service) goes before its queued heartbeats.
        var tracker = new SequenceTracker();
        tracker.Observe("k-1", Telemetry, 1, 9);

        var request = tracker.Observe("k-1", EventTypes.ServiceLane, 1, 12);
        var heartbeat = tracker.Observe("k-1", Telemetry, 1, 10);
        var older = tracker.Observe("k-1", EventTypes.ServiceLane, 1, 11);

        Assert.IsFalse(request.Behind);
        Assert.IsFalse(heartbeat.Behind, "the service lane's seq does not count against telemetry");
        Assert.IsTrue(older.Behind, "a new service id below the service lane's mark is a regression");
    }

    [TestMethod]
    [DataRow(1, 5, false, true, DisplayName = "same boot, lower seq: behind")]
    [DataRow(1, 9, false, false, DisplayName = "same boot, same seq (a resend): not behind")]
    [DataRow(1, 10, true, false, DisplayName = "same boot, higher seq: ahead")]
    [DataRow(2, 1, true, false, DisplayName = "new boot epoch: ahead")]
    [DataRow(0, 50, false, false, DisplayName = "older boot epoch (an outbox from before a reboot): neither")]
    public void Observe_AgainstLaneMark_AheadAndBehindAsExpected(int boot, int seq, bool ahead, bool behind)
    {
        var tracker = new SequenceTracker();
        tracker.Load([new SequenceMark("p-1", Telemetry, 1, 9)]);

        var seen = tracker.Observe("p-1", Telemetry, boot, seq);

        Assert.AreEqual(new SequenceTracker.Observation(ahead, behind), seen);
    }

    [TestMethod]
    public void Observe_OtherDevice_Independent()
    {
        var tracker = new SequenceTracker();
        tracker.Observe("p-1", Alarm, 1, 100);

        Assert.IsTrue(tracker.Observe("p-2", Alarm, 1, 1).Ahead);
    }
}
