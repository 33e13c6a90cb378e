using System.Globalization;
using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Geofence;
using Eldercare.Firmware.Core.Gnss;
using Eldercare.Firmware.Core.Power;
using Eldercare.Firmware.Tests.Fakes;
using Eldercare.Firmware.Tests.Gnss;
using Eldercare.VirtualDevice;
using Eldercare.VirtualDevice.Adapters;

namespace Eldercare.Firmware.Tests.Apps;

/// <summary>
/// The watch with the GNSS duty cycle, wired as the host twin wires it (the replayed log is the module, its power flag
/// gates the replay, a 1 s hot start loses the first sentences): the recorded walk (../shared/datasets/gnss
/// gnss_lib_py/pixel6.nmea) replayed on a fake clock, against the same walk with the module always on.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class WearableAppGnssDutyTests
{
    [TestMethod]
    [DataRow(100f)]
    [DataRow(150f)]
    public void RecordedWalk_DutyCycled_AlarmAtMostAFastPeriodAndAHotStartLaterThanAlwaysOn(float radius)
    {
        // Arrange
        var options = new GnssDutyCycleOptions();
        long bound = (options.FastPeriodSeconds * 1000L) + ReplayedGnss.DefaultHotStartMilliseconds + 2000; // + the next 1 Hz GGA, a tick

        // Act
        Walked always = Walk(radius, null);
        Walked cycled = Walk(radius, options);

        // Assert
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"radius {radius} m: alarm always-on {always.AlarmAt / 1000.0:0.0} s, duty-cycled {cycled.AlarmAt / 1000.0:0.0} s (+{(cycled.AlarmAt - always.AlarmAt) / 1000.0:0.0} s, bound {bound / 1000.0:0.0} s); return {always.ReturnAt / 1000.0:0.0} s / {cycled.ReturnAt / 1000.0:0.0} s; module on {cycled.OnPercent:0.0} % over {cycled.Elapsed / 1000} s, {cycled.Windows} windows"));
        Assert.IsGreaterThan(0L, always.AlarmAt, "the walk leaves the zone");
        Assert.IsGreaterThan(0L, cycled.AlarmAt, "the duty-cycled watch alarms too");
        Assert.IsLessThanOrEqualTo(bound, cycled.AlarmAt - always.AlarmAt, "the alarm delay the duty cycle adds");
        Assert.IsGreaterThanOrEqualTo(0L, cycled.AlarmAt - always.AlarmAt, "not earlier than the confirmation allows");
        Assert.IsGreaterThan(0L, cycled.ReturnAt, "the return is reported too");
        CollectionAssert.AreEqual(new[] { EventTypes.Geofence, EventTypes.GeofenceReturn }, cycled.Events, "no no_position while the module is off between windows");
        Assert.IsLessThan(100.0, cycled.OnPercent, "the module is switched off between windows");
        Assert.IsGreaterThan(1, cycled.Windows);
    }

    [TestMethod]
    public void RecordedWalk_Twin_ModuleOffBetweenWindows_ReplayLosesThoseSentences()
    {
        // Arrange + Act
        Walked cycled = Walk(100f, new GnssDutyCycleOptions());

        // Assert: the replay went on while the module was off
        Assert.IsGreaterThan(0, cycled.LinesLost);
        Assert.IsGreaterThan(0, cycled.WindowsWithFix);
        Assert.AreEqual(0, Walk(100f, null).LinesLost, "always on: every sentence reaches the parser");
    }

    [TestMethod]
    public void SilentModule_DutyCycled_NoPositionAfterTwoMinutesOfModuleOnTime()
    {
        // Arrange: a module that never answers; windows of 60 s (boot) then 30 s every 30 s
        var clock = new FakeClock();
        var link = new FakeMqttLink();
        var gnss = new ReplayedGnss(clock, []);
        WearableApp app = NewWatch(clock, link, gnss, Circle(312482383, 1215874067, 100f), new GnssDutyCycleOptions());
        Assert.IsTrue(app.Start());

        // Act
        long at = -1;
        long onAt = -1;
        int acknowledged = 0;
        for (long t = 0; t < 1_800_000 && at < 0; t += 20)
        {
            clock.Advance(20);
            app.Tick();
            if (link.Published.Count > acknowledged)
            {
                acknowledged = link.Published.Count;
                if (link.Published.Select(p => EventCodec.Decode(p.Payload).Event!).Any(e => e.Type == EventTypes.NoPosition))
                {
                    at = clock.UptimeMilliseconds;
                    onAt = app.GnssDutyCycle!.OnMilliseconds;
                }

                link.Complete();
            }
        }

        // Assert: 120 s of module time (60 s boot window, then 30 s ones, the period backing off), not of uptime
        Console.WriteLine("no_position at " + at + " ms uptime, module on " + onAt + " ms, windows " + app.GnssDutyCycle!.Windows);
        Assert.AreEqual(120_000L, onAt, 100);
        Assert.IsGreaterThan(240_000L, at, "the off time between windows does not count");
        Assert.IsGreaterThanOrEqualTo(2, app.GnssDutyCycle.WindowsWithoutFix);
        Assert.AreEqual(0, app.GnssDutyCycle.WindowsWithFix);
    }

    [TestMethod]
    public async Task VirtualWatch_WithTheRadioSchedule_RunsTheDutyCycleOnItsReplay()
    {
        // Arrange
        string directory = Directory.CreateTempSubdirectory("gnss-duty-").FullName;
        try
        {
            var options = new VirtualPendantOptions("watch-0001", "secret", "127.0.0.1", 1, directory)
            {
                Placement = "wrist",
                GnssLog = GnssLogs.Lines(GnssLogs.Walk),
                Radio = RadioDelays.Default,
            };

            // Act
            await using var watch = new VirtualPendant(options);
            await using var alwaysOn = new VirtualPendant(options with { Radio = null, DataDirectory = Path.Combine(directory, "b") });

            // Assert
            Assert.IsNotNull(watch.GnssDutyCycle);
            Assert.IsTrue(watch.Gnss!.IsPowered, "powered until the app's first tick");
            Assert.IsNull(alwaysOn.GnssDutyCycle, "without the radio schedule (mains-like twin) the module stays on");
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }

    private sealed record Walked(long AlarmAt, long ReturnAt, string[] Events, double OnPercent, long Elapsed, int Windows, int WindowsWithFix, int LinesLost);

    private static Walked Walk(float radius, GnssDutyCycleOptions? duty)
    {
        var clock = new FakeClock();
        var link = new FakeMqttLink();
        IReadOnlyList<NmeaLogLine> walk = GnssLogs.Lines(GnssLogs.Walk);
        GnssFix start = ReplayedGnss.FirstValidFix(walk)!;
        var gnss = new ReplayedGnss(clock, walk);
        WearableApp app = NewWatch(clock, link, gnss, Circle(start.LatitudeE7, start.LongitudeE7, radius), duty);
        Assert.IsTrue(app.Start());
        gnss.Start();
        long alarmAt = -1;
        long returnAt = -1;
        int was = GeofenceState.Unknown;
        int acknowledged = 0;
        for (long t = 0; t < 1_200_000 && !gnss.Finished; t += 20)
        {
            clock.Advance(20);
            app.Tick();
            if (link.Published.Count > acknowledged)
            {
                acknowledged = link.Published.Count;
                link.Complete();
            }

            int state = app.Geofence!.Monitor.State;
            if (state != was && state == GeofenceState.Outside && alarmAt < 0)
            {
                alarmAt = clock.UptimeMilliseconds;
            }
            else if (state != was && state == GeofenceState.Inside && alarmAt >= 0 && returnAt < 0)
            {
                returnAt = clock.UptimeMilliseconds;
            }

            was = state;
        }

        string[] events = link.Published.Select(p => EventCodec.Decode(p.Payload).Event!).Where(e => e.Type != EventTypes.Heartbeat).Select(e => e.Type).ToArray();
        GnssDutyCycle? cycle = app.GnssDutyCycle;
        double on = cycle is null ? 100.0 : 100.0 * cycle.OnMilliseconds / cycle.ElapsedMilliseconds;
        return new Walked(alarmAt, returnAt, events, on, clock.UptimeMilliseconds, cycle?.Windows ?? 0, cycle?.WindowsWithFix ?? 0, gnss.LinesLost);
    }

    private static GeofenceOptions Circle(int latitudeE7, int longitudeE7, float radius)
    {
        var options = new GeofenceOptions();
        options.AddZone(new CircleZone("home", latitudeE7, longitudeE7, radius));
        return options;
    }

    private static WearableApp NewWatch(FakeClock clock, FakeMqttLink link, ReplayedGnss gnss, GeofenceOptions geofence, GnssDutyCycleOptions? duty)
    {
        var hardware = new WearableHardware(clock, new MemoryStorage(), link, new FakeButton(), new FakeIndicator(), new FakeBattery()) { Gnss = gnss, GnssPower = duty is null ? null : gnss };
        return new WearableApp(new WearableOptions("watch-0007") { Placement = "wrist", Geofence = geofence, GnssDutyCycle = duty }, hardware);
    }
}
