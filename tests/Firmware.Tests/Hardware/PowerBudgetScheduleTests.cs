using System.Globalization;
using System.Text.Json;
using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Power;
using Eldercare.Firmware.Tests.Fakes;
using Eldercare.Firmware.Tests.NanoCompile;

namespace Eldercare.Firmware.Tests.Hardware;

/// <summary>
/// hardware/power-budget.json's radio and accelerometer loads against the firmware's own schedule (firmware/Core/Power):
/// the duty of each load with a "schedule" key is recomputed from the core's settings, and the schedule itself is run on
/// a fake clock (a simulated day of sessions, an alarm nobody acknowledges) to check the time it keeps the radio up fits
/// the budget's session length.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class PowerBudgetScheduleTests
{
    private const double DayMilliseconds = 86_400_000.0;
    private static readonly string Folder = Path.Combine(RepositoryFiles.Root(), "hardware");

    [TestMethod]
    [DataRow("pendant-scheduled")]
    [DataRow("watch-scheduled")]
    public void ScheduledLoads_Duty_IsTheFirmwaresSchedule(string id)
    {
        // Arrange
        var schedule = new RadioScheduleOptions();
        int checkedLoads = 0;

        // Act + Assert
        foreach (JsonElement load in Loads(id).Where(l => l.TryGetProperty("schedule", out _)))
        {
            string kind = load.GetProperty("schedule").GetString()!;
            double duty = load.GetProperty("dutyPercent").GetDouble();
            double expected = kind switch
            {
                "session" => 100.0 * load.GetProperty("sessionMilliseconds").GetInt32() / (RadioScheduleOptions.DefaultHeartbeatSeconds * 1000.0),
                "batch" => 100.0 * load.GetProperty("awakeMilliseconds").GetInt32() / AccelerometerBatching.DeviceBatchMilliseconds,
                "alarm-hold" => 100.0 * load.GetProperty("alarmsPerDay").GetInt32() * schedule.AlarmHoldSeconds * 1000.0 / DayMilliseconds,
                "gnss-window" => 100.0 * GnssDutyCycleOptions.ExpectedWindowSeconds / GnssDutyCycleOptions.DefaultPeriodSeconds,
                "gnss-cpu" => 100.0 * GnssDutyCycleOptions.ExpectedWindowSeconds / GnssDutyCycleOptions.DefaultPeriodSeconds, // awake the whole window
                "alarm-polls" => 100.0 * load.GetProperty("alarmsPerDay").GetInt32() * ((schedule.AlarmFollowSeconds - schedule.AlarmHoldSeconds) / schedule.AlarmPollSeconds)
                    * load.GetProperty("sessionMilliseconds").GetInt32() / DayMilliseconds,
                _ => throw new AssertFailedException(id + ": unknown schedule '" + kind + "'"),
            };
            Assert.AreEqual(expected, duty, 0.0005, id + " " + kind + ": " + expected.ToString("0.0000", CultureInfo.InvariantCulture) + " % from the firmware");
            checkedLoads++;
        }

        Assert.AreEqual(id == "watch-scheduled" ? 6 : 4, checkedLoads, "session, batch, alarm hold and polls (and the watch's GNSS window and its CPU): each from the schedule");
    }

    [TestMethod]
    public void SimulatedDay_GnssModuleOn_IsTheBudgetsDuty()
    {
        // Arrange: the module gives a gated fix ExpectedWindowSeconds after each power-up; the wearer far inside a zone
        double budget = Loads("watch-scheduled").Single(l => l.TryGetProperty("schedule", out JsonElement k) && k.GetString() == "gnss-window").GetProperty("dutyPercent").GetDouble();
        var options = new GnssDutyCycleOptions();
        var cycle = new GnssDutyCycle(options, 25f);
        var module = new Power.GnssDutyCycleTests.FakeModule(GnssDutyCycleOptions.ExpectedWindowSeconds * 1000L);
        cycle.Start(0);

        // Act: a day, a tick every 100 ms
        for (long t = 0; t < (long)DayMilliseconds; t += 100)
        {
            module.Power(cycle.Update(t, module.LastFixAt(t), -1000f, false), t);
        }

        // Assert
        double duty = 100.0 * cycle.OnMilliseconds / cycle.ElapsedMilliseconds;
        Assert.AreEqual(86_400 / options.PeriodSeconds, cycle.Windows, "one window per period");
        Assert.AreEqual(budget, duty, 0.001, "the budget's GNSS duty is the cycle's: " + duty.ToString("0.0000", CultureInfo.InvariantCulture) + " %");

        // Near the edge all day (the worst case the budget does not count): one window per fast period
        var near = new GnssDutyCycle(options, 25f);
        var nearModule = new Power.GnssDutyCycleTests.FakeModule(GnssDutyCycleOptions.ExpectedWindowSeconds * 1000L);
        near.Start(0);
        for (long t = 0; t < 3_600_000; t += 100)
        {
            nearModule.Power(near.Update(t, nearModule.LastFixAt(t), -10f, false), t);
        }

        Assert.AreEqual(100.0 * GnssDutyCycleOptions.ExpectedWindowSeconds / options.FastPeriodSeconds, 100.0 * near.OnMilliseconds / near.ElapsedMilliseconds, 0.01);
    }

    [TestMethod]
    public void SimulatedDay_RadioUpPerSession_FitsTheBudgetsSessionLength()
    {
        // Arrange
        int budgetSession = Loads("pendant-scheduled").Single(l => l.TryGetProperty("schedule", out JsonElement k) && k.GetString() == "session").GetProperty("sessionMilliseconds").GetInt32();
        var (app, clock, link) = Started();

        // Act
        Run(app, clock, link, (long)DayMilliseconds, 50);

        // Assert
        RadioSchedule radio = app.Radio!;
        Assert.AreEqual(86_400 / RadioScheduleOptions.DefaultHeartbeatSeconds, radio.Sessions, "one session per heartbeat period");
        double perSession = radio.RadioOnMilliseconds / (double)radio.Sessions;
        Assert.IsLessThanOrEqualTo((double)budgetSession, perSession, "the schedule keeps the radio up longer than the budget counts");
        Assert.IsGreaterThanOrEqualTo((double)RadioTimings.ConnectMilliseconds, perSession, "the connect is paid every session");
        Assert.AreEqual(radio.Sessions, link.Published.Count, "one heartbeat each, nothing else");
    }

    [TestMethod]
    public void UnacknowledgedAlarm_RadioUpTime_FitsTheBudgetsHoldAndPolls()
    {
        // Arrange
        JsonElement[] loads = Loads("pendant-scheduled");
        int pollSession = loads.Single(l => l.TryGetProperty("schedule", out JsonElement k) && k.GetString() == "alarm-polls").GetProperty("sessionMilliseconds").GetInt32();
        var options = new RadioScheduleOptions();
        var (app, clock, link) = Started(periodSeconds: 86_400);
        Run(app, clock, link, 60_000, 10);
        long before = app.Radio!.RadioOnMilliseconds;

        // Act: an SOS nobody acknowledges, followed until the polls end
        app.Raise(EventTypes.Sos, DeviceEvent.Absent, DeviceEvent.Absent, null);
        app.Alarms.OnLongPress(clock.UptimeMilliseconds);
        Run(app, clock, link, (options.AlarmFollowSeconds * 1000L) + 60_000, 10);

        // Assert
        long used = app.Radio.RadioOnMilliseconds - before;
        long budget = (options.AlarmHoldSeconds * 1000L) + RadioTimings.ConnectMilliseconds
            + ((options.AlarmFollowSeconds - options.AlarmHoldSeconds) / options.AlarmPollSeconds * (long)pollSession);
        Assert.IsLessThanOrEqualTo(budget, used, "hold + polls, as the budget counts them");
        Assert.IsGreaterThanOrEqualTo(options.AlarmHoldSeconds * 1000L, used, "held for the acknowledgement");
    }

    private static (WearableApp App, FakeClock Clock, FakeSwitchedLink Link) Started(int periodSeconds = RadioScheduleOptions.DefaultHeartbeatSeconds)
    {
        var clock = new FakeClock();
        var link = new FakeSwitchedLink(clock);
        var hardware = new WearableHardware(clock, new MemoryStorage(), link, new FakeButton(), new FakeIndicator(), new FakeBattery()) { RadioPower = link };
        var app = new WearableApp(new WearableOptions("pendant-0001") { HeartbeatIntervalSeconds = periodSeconds, RadioSchedule = new RadioScheduleOptions() }, hardware);
        Assert.IsTrue(app.Start());
        return (app, clock, link);
    }

    private static void Run(WearableApp app, FakeClock clock, FakeSwitchedLink link, long milliseconds, int tick)
    {
        for (long t = 0; t < milliseconds; t += tick)
        {
            clock.Advance(tick);
            app.Tick();
            link.Step();
        }
    }

    private static JsonElement[] Loads(string id)
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "power-budget.json")));
        return json.RootElement.GetProperty("scenarios").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id)
            .GetProperty("loads").EnumerateArray().Select(l => l.Clone()).ToArray();
    }
}
