using Eldercare.Firmware.Core.Geofence;
using Eldercare.Firmware.Core.Gnss;
using Eldercare.Firmware.Tests.Fakes;

namespace Eldercare.Firmware.Tests.Geofence;

/// <summary>Each transition of the geofence state machine on a fake clock (defaults: 100 m, margin 25 m, 5 fixes, 30 s / 10 s, 120 s).</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class GeofenceMonitorTests
{
    private readonly FakeClock _clock = new();
    private readonly List<(long At, int Transition)> _transitions = [];

    [TestMethod]
    [DataRow(1000, 30_000)]   // 1 Hz: the 30 s debounce decides
    [DataRow(200, 30_000)]    // 5 Hz (the L76K): still 30 s
    [DataRow(10_000, 40_000)] // one fix in 10 s: the 5th confirming fix decides
    public void Update_OutsideBeyondMargin_ExitAfterDebounceAndConfirmingFixes(int periodMilliseconds, long expectedAfterMilliseconds)
    {
        var monitor = new GeofenceMonitor(Fixes.HomeCircle());
        Walk(monitor, 10_000, periodMilliseconds, 0);
        long leftAt = _clock.UptimeMilliseconds;

        Walk(monitor, 120_000, periodMilliseconds, 200);

        Assert.AreEqual(GeofenceTransition.Exit, _transitions.Single().Transition);
        Assert.AreEqual(expectedAfterMilliseconds, _transitions.Single().At - leftAt);
        Assert.AreEqual(GeofenceState.Outside, monitor.State);
    }

    [TestMethod]
    [DataRow(100.0, 10.0)]
    [DataRow(100.0, 24.0)]
    [DataRow(112.0, 12.0)] // standing just outside the edge, every fix short of the exit line (125 m)
    [DataRow(88.0, 12.0)]
    public void Update_JitterAroundFenceLine_NeverFlaps(double standingMetres, double amplitudeMetres)
    {
        var monitor = new GeofenceMonitor(Fixes.HomeCircle());
        var random = new Random(7);

        for (int i = 0; i < 1800; i++)
        {
            Step(monitor, Fixes.At(standingMetres + (((random.NextDouble() * 2) - 1) * amplitudeMetres), 0), 1000);
        }

        Assert.IsEmpty(_transitions);
    }

    [TestMethod]
    public void Update_JitterAroundFenceLineAfterExit_NoReturnUntilWithinReturnLine()
    {
        var monitor = new GeofenceMonitor(Fixes.HomeCircle());
        var random = new Random(11);
        Walk(monitor, 10_000, 1000, 0);
        Walk(monitor, 60_000, 1000, 200);

        for (int i = 0; i < 1800; i++)
        {
            Step(monitor, Fixes.At(88 + (((random.NextDouble() * 2) - 1) * 12), 0), 1000);
        }

        Assert.AreEqual(GeofenceTransition.Exit, _transitions.Single().Transition);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    [DataRow(4)]
    public void Update_JumpOutliersShorterThanConfirmation_NoAlarm(int outliersInARow)
    {
        var monitor = new GeofenceMonitor(Fixes.HomeCircle());

        for (int minute = 0; minute < 10; minute++)
        {
            Walk(monitor, 20_000, 1000, 20);
            for (int i = 0; i < outliersInARow; i++)
            {
                Step(monitor, Fixes.At(0, 400 + (50 * i)), 1000);
            }
        }

        Assert.IsEmpty(_transitions);
    }

    [TestMethod]
    public void Update_OutliersEveryOtherFixForLong_NoAlarmBecauseInsideFixesCancel()
    {
        var monitor = new GeofenceMonitor(Fixes.HomeCircle());

        for (int i = 0; i < 600; i++)
        {
            Step(monitor, Fixes.At(i % 2 == 0 ? 300 : 10, 0), 1000);
        }

        Assert.IsEmpty(_transitions);
    }

    [TestMethod]
    [DataRow(3, 90, "few satellites")]
    [DataRow(4, 90, "few satellites")]
    [DataRow(12, 510, "HDOP over 5")]
    [DataRow(12, 5000, "HDOP 50 (dead reckoning)")]
    public void Update_PoorFixesOutside_IgnoredNeverAlarm(int satellites, int hdopHundredths, string why)
    {
        var monitor = new GeofenceMonitor(Fixes.HomeCircle());
        Walk(monitor, 10_000, 1000, 0);

        for (int i = 0; i < 100; i++)
        {
            Step(monitor, Fixes.At(300, 0, satellites, hdopHundredths), 1000);
        }

        Assert.IsFalse(_transitions.Any(t => t.Transition == GeofenceTransition.Exit), why);
        Assert.AreEqual(100, monitor.IgnoredFewSatellites + monitor.IgnoredHighHdop);
    }

    [TestMethod]
    public void Update_FixLostOutsideBeforeConfirmation_NoAlarmThenOneNoPosition()
    {
        var monitor = new GeofenceMonitor(Fixes.HomeCircle());
        Walk(monitor, 10_000, 1000, 0);
        Walk(monitor, 3000, 1000, 300);
        long lastGood = _clock.UptimeMilliseconds - 1000;

        for (int i = 0; i < 600; i++)
        {
            Step(monitor, Fixes.At(300, 0, valid: false), 1000);
        }

        Assert.AreEqual(GeofenceTransition.NoPosition, _transitions.Single().Transition);
        Assert.AreEqual(lastGood + 120_000, _transitions.Single().At);
        Assert.AreEqual(GeofenceState.Inside, monitor.State);
    }

    [TestMethod]
    public void Update_FixBackOutsideAfterNoPosition_ConfirmationStartsAgain()
    {
        var monitor = new GeofenceMonitor(Fixes.HomeCircle());
        Walk(monitor, 10_000, 1000, 0);
        Walk(monitor, 4000, 1000, 300);
        Silence(monitor, 130_000);
        long back = _clock.UptimeMilliseconds;

        Walk(monitor, 60_000, 1000, 300);

        Assert.AreEqual(GeofenceTransition.Exit, _transitions.Last().Transition);
        Assert.AreEqual(30_000, _transitions.Last().At - back, "the 4 fixes before the outage are stale, not counted");
    }

    [TestMethod]
    public void Tick_NoFixSinceStart_NoPositionOnceAfterTimeout()
    {
        var monitor = new GeofenceMonitor(Fixes.HomeCircle());

        Silence(monitor, 600_000);

        Assert.AreEqual(GeofenceTransition.NoPosition, _transitions.Single().Transition);
        Assert.AreEqual(120_000, _transitions.Single().At);
        Assert.IsNull(monitor.LastGoodFix);
    }

    [TestMethod]
    public void Update_ReturnWithinMargin_ReturnAfterConfirmation()
    {
        var monitor = new GeofenceMonitor(Fixes.HomeCircle());
        Walk(monitor, 10_000, 1000, 0);
        Walk(monitor, 60_000, 1000, 200);
        Walk(monitor, 60_000, 1000, 90); // between the return line (75 m) and the edge: nothing
        long backAt = _clock.UptimeMilliseconds;

        Walk(monitor, 30_000, 1000, 50);

        CollectionAssert.AreEqual(new[] { GeofenceTransition.Exit, GeofenceTransition.Return }, _transitions.Select(t => t.Transition).ToArray());
        Assert.AreEqual(10_000, _transitions[1].At - backAt);
        Assert.AreEqual(GeofenceState.Inside, monitor.State);
    }

    [TestMethod]
    public void Update_SingleFixInsideWhileOutside_NoReturn()
    {
        var monitor = new GeofenceMonitor(Fixes.HomeCircle());
        Walk(monitor, 10_000, 1000, 0);
        Walk(monitor, 60_000, 1000, 200);

        for (int i = 0; i < 120; i++)
        {
            Step(monitor, Fixes.At(i % 4 == 0 ? 10 : 200, 0), 1000);
        }

        Assert.AreEqual(GeofenceTransition.Exit, _transitions.Single().Transition);
    }

    [TestMethod]
    public void Update_LostFixWhileOutsideThenBackInside_StillReturns()
    {
        var monitor = new GeofenceMonitor(Fixes.HomeCircle());
        Walk(monitor, 10_000, 1000, 0);
        Walk(monitor, 60_000, 1000, 200);
        Silence(monitor, 300_000);

        Walk(monitor, 30_000, 1000, 0);

        CollectionAssert.AreEqual(
            new[] { GeofenceTransition.Exit, GeofenceTransition.NoPosition, GeofenceTransition.Return },
            _transitions.Select(t => t.Transition).ToArray());
    }

    [TestMethod]
    public void Update_PoweredOnOutside_ExitAfterConfirmation()
    {
        var monitor = new GeofenceMonitor(Fixes.HomeCircle());

        Walk(monitor, 60_000, 1000, 500);

        Assert.AreEqual(GeofenceTransition.Exit, _transitions.Single().Transition);
    }

    [TestMethod]
    public void Update_InsideAnyOfTwoZones_NoAlarm()
    {
        GeofenceOptions options = Fixes.HomeCircle();
        GnssFix park = Fixes.At(600, 0);
        options.AddZone(new CircleZone("park", park.LatitudeE7, park.LongitudeE7, 150f));
        var monitor = new GeofenceMonitor(options);

        Walk(monitor, 60_000, 1000, 0);
        Walk(monitor, 300_000, 1000, 650);

        Assert.IsEmpty(_transitions);
        Assert.AreEqual("park", monitor.NearestZoneName);
    }

    [TestMethod]
    public void Update_RmcWithoutSatellitesOrHdop_NotJudged()
    {
        var monitor = new GeofenceMonitor(Fixes.HomeCircle());
        GnssFix rmc = Fixes.At(500, 0);
        rmc.Sentence = GnssFix.FromRmc;

        for (int i = 0; i < 200; i++)
        {
            Step(monitor, rmc, 1000);
        }

        Assert.AreEqual(GeofenceTransition.NoPosition, _transitions.Single().Transition);
    }

    [TestMethod]
    [DataRow(170.0, false)] // in the L's notch, 20 m beyond both inner edges: within the margin
    [DataRow(200.0, true)]  // 50 m beyond both inner edges
    [DataRow(280.0, true)]
    public void Update_WalkIntoConcaveNotchOfPolygon_ExitOnlyBeyondMargin(double notchMetres, bool exits)
    {
        var options = new GeofenceOptions();
        options.AddZone(ZoneGeometryTests.LShape());
        var monitor = new GeofenceMonitor(options);
        Walk(monitor, 30_000, 1000, 75, 75);

        Walk(monitor, 120_000, 1000, notchMetres, notchMetres);

        Assert.AreEqual(exits ? 1 : 0, _transitions.Count(t => t.Transition == GeofenceTransition.Exit));
    }

    private void Walk(GeofenceMonitor monitor, long durationMilliseconds, int periodMilliseconds, double northMetres, double eastMetres)
    {
        for (long t = 0; t < durationMilliseconds; t += periodMilliseconds)
        {
            Step(monitor, Fixes.At(northMetres, eastMetres), periodMilliseconds);
        }
    }

    private void Walk(GeofenceMonitor monitor, long durationMilliseconds, int periodMilliseconds, double northMetres)
    {
        for (long t = 0; t < durationMilliseconds; t += periodMilliseconds)
        {
            Step(monitor, Fixes.At(northMetres, 0), periodMilliseconds);
        }
    }

    private void Step(GeofenceMonitor monitor, GnssFix fix, int periodMilliseconds)
    {
        int transition = monitor.Update(fix, _clock.UptimeMilliseconds);
        if (transition != GeofenceTransition.None)
        {
            _transitions.Add((_clock.UptimeMilliseconds, transition));
        }

        _clock.Advance(periodMilliseconds);
    }

    private void Silence(GeofenceMonitor monitor, long durationMilliseconds)
    {
        for (long t = 0; t < durationMilliseconds; t += 1000)
        {
            int transition = monitor.Tick(_clock.UptimeMilliseconds);
            if (transition != GeofenceTransition.None)
            {
                _transitions.Add((_clock.UptimeMilliseconds, transition));
            }

            _clock.Advance(1000);
        }
    }
}
