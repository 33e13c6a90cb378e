using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Commands;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Geofence;
using Eldercare.Firmware.Core.Gnss;
using Eldercare.Firmware.Tests.Fakes;
using Eldercare.Firmware.Tests.Gnss;
using Eldercare.VirtualDevice.Adapters;

namespace Eldercare.Firmware.Tests.Apps;

/// <summary>A watch with a GNSS module: the recorded walk replayed into the app, events out through the outbox.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class WearableAppGeofenceTests
{
    private readonly FakeClock _clock = new();
    private readonly MemoryStorage _storage = new();
    private readonly FakeMqttLink _link = new();

    [TestMethod]
    public void Tick_WalkOutOfHomeAndBack_GeofenceAlarmWithPositionThenReturn()
    {
        IReadOnlyList<NmeaLogLine> walk = GnssLogs.Lines(GnssLogs.Walk);
        GnssFix start = GnssLogs.Run(GnssLogs.Walk).Fixes.First(f => f.Fix.IsValid).Fix;
        var gnss = new ReplayedGnss(_clock, walk);
        WearableApp app = NewWatch(gnss, CircleAround(start, 100f));
        app.Start();
        gnss.Start();

        RunUntil(app, () => gnss.Finished, 600_000);

        List<DeviceEvent> events = Published().Where(e => e.Type != EventTypes.Heartbeat).ToList();
        CollectionAssert.AreEqual(new[] { EventTypes.Geofence, EventTypes.GeofenceReturn }, events.Select(e => e.Type).ToArray());
        DeviceEvent alarm = events[0];
        Assert.IsTrue(alarm.HasPosition);
        double metresFromStart = GnssLogs.HaversineMetres(start.LatitudeE7 * 1e-7, start.LongitudeE7 * 1e-7, alarm.LatitudeMicrodegrees * 1e-6, alarm.LongitudeMicrodegrees * 1e-6);
        Assert.IsGreaterThan(125.0, metresFromStart, "the alarm carries a position beyond the exit line");
        Assert.IsTrue(alarm.Satellites >= 22 && alarm.HdopHundredths is > 0 and <= 50, "sats " + alarm.Satellites + " hdop " + alarm.HdopHundredths);
        StringAssert.StartsWith(alarm.Info, "zone=home;out=");
        Assert.IsTrue(events[1].HasPosition);
        Assert.AreEqual(0, app.Geofence!.Parser.Statistics.Rejected(NmeaRejectReason.BadChecksum));
    }

    [TestMethod]
    public void GeofenceAlarm_AcknowledgedByAPerson_ShowsHelpComing_WithoutAnAlarmPatternBefore()
    {
        IReadOnlyList<NmeaLogLine> walk = SyntheticWalk.East(37.5131, 122.1204, 6, 90, DateTime.UtcNow);
        var gnss = new ReplayedGnss(_clock, walk);
        var indicator = new FakeIndicator();
        WearableApp app = NewWatch(gnss, CircleAround(ReplayedGnss.FirstValidFix(walk)!, 100f), indicator);
        app.Start();
        gnss.Start();
        RunUntil(app, () => gnss.Finished, 120_000);
        DeviceEvent alarm = Published().Single(e => e.Type == EventTypes.Geofence);
        Assert.IsEmpty(indicator.Shown, "the elder did not raise it: nothing shown, no reminders");

        _link.Deliver(Topics.Commands(app.DeviceId), CommandCodec.EncodeAck(alarm.Id, 1_764_720_000_000, "center"));

        Assert.AreEqual(IndicatorPattern.HelpComing, indicator.Last);
        Assert.AreEqual(0, app.Alarms.StaleAcknowledgements);
    }

    [TestMethod]
    public void Tick_SyntheticFastWalk_EverySentenceAcceptedAndOneGeofenceAlarmOutsideTheZone()
    {
        // The smoke's walk (run.sh --smoke): 6 m/s due east, stamped from now; the time guard must take every sentence.
        IReadOnlyList<NmeaLogLine> walk = SyntheticWalk.East(37.5131, 122.1204, 6, 90, DateTime.UtcNow);
        GnssFix home = ReplayedGnss.FirstValidFix(walk)!;
        Assert.AreEqual(375131000, home.LatitudeE7, 20);
        Assert.AreEqual(1221204000, home.LongitudeE7, 20);
        var gnss = new ReplayedGnss(_clock, walk);
        WearableApp app = NewWatch(gnss, CircleAround(home, 100f));
        app.Start();
        gnss.Start();

        RunUntil(app, () => gnss.Finished, 120_000);

        Assert.AreEqual(0, app.Geofence!.Parser.Statistics.TotalRejected, app.Geofence.Parser.Statistics.Describe());
        Assert.AreEqual(91, app.Geofence.Parser.Statistics.AcceptedGga);
        DeviceEvent alarm = Published().Single(e => e.Type != EventTypes.Heartbeat);
        Assert.AreEqual(EventTypes.Geofence, alarm.Type);
        double metres = GnssLogs.HaversineMetres(37.5131, 122.1204, alarm.LatitudeMicrodegrees * 1e-6, alarm.LongitudeMicrodegrees * 1e-6);
        Assert.IsGreaterThan(125.0, metres, "beyond the exit line (radius + margin)");
        Assert.IsLessThan(6.0 * 60, metres, "within a minute's walk: out at ~21 s, then the 30 s debounce");
    }

    [TestMethod]
    public void Tick_SilentReceiver_NoPositionStatusNotAlarm()
    {
        var gnss = new ReplayedGnss(_clock, []);
        WearableApp app = NewWatch(gnss, CircleAround(new GnssFix { LatitudeE7 = 312482383, LongitudeE7 = 1215874067 }, 100f));
        app.Start();

        RunUntil(app, () => false, 130_000);

        DeviceEvent status = Published().Single(e => e.Type != EventTypes.Heartbeat);
        Assert.AreEqual(EventTypes.NoPosition, status.Type);
        Assert.IsFalse(status.HasPosition);
        Assert.AreEqual(EventTypes.ServiceLane, EventTypes.LaneOf(status.Type));
    }

    [TestMethod]
    public void Start_GeofenceZoneTooSmall_Refused()
    {
        var options = new GeofenceOptions();
        options.AddZone(new CircleZone("home", 312482383, 1215874067, 50f));
        WearableApp app = NewWatch(new ReplayedGnss(_clock, []), options);

        Assert.IsFalse(app.Start());
    }

    private static GeofenceOptions CircleAround(GnssFix centre, float radiusMetres)
    {
        var options = new GeofenceOptions();
        options.AddZone(new CircleZone("home", centre.LatitudeE7, centre.LongitudeE7, radiusMetres));
        return options;
    }

    private WearableApp NewWatch(ReplayedGnss gnss, GeofenceOptions geofence, FakeIndicator? indicator = null)
    {
        var hardware = new WearableHardware(_clock, _storage, _link, new FakeButton(), indicator ?? new FakeIndicator(), new FakeBattery()) { Gnss = gnss };
        return new WearableApp(new WearableOptions("watch-0007") { Placement = "wrist", Geofence = geofence }, hardware);
    }

    /// <summary>Ticks every 20 ms, the gateway acknowledging each publish at once.</summary>
    private void RunUntil(WearableApp app, Func<bool> done, long maxMilliseconds)
    {
        int acknowledged = 0;
        for (long t = 0; t < maxMilliseconds && !done(); t += 20)
        {
            _clock.Advance(20);
            app.Tick();
            if (_link.Published.Count > acknowledged)
            {
                acknowledged = _link.Published.Count;
                _link.Complete();
            }
        }

        for (int i = 0; i < 50; i++)
        {
            _clock.Advance(20);
            app.Tick();
            if (_link.Published.Count > acknowledged)
            {
                acknowledged = _link.Published.Count;
                _link.Complete();
            }
        }
    }

    private List<DeviceEvent> Published() => _link.Published.Select(p => EventCodec.Decode(p.Payload).Event!).ToList();
}
