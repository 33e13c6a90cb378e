using Eldercare.Firmware.Core.Wellness;
using Eldercare.Firmware.Tests.Fakes;

namespace Eldercare.Firmware.Tests.Wellness;

/// <summary>
/// Each transition of the wellness state machine on a fake clock, with the defaults (3 h, waking 07:00-22:00 in
/// China, UTC+8; not worn after 30 min flat and perfectly still).
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class InactivityMonitorTests
{
    private const long Minute = 60_000;

    [TestMethod]
    [DataRow(180)]
    [DataRow(120)]
    [DataRow(240)]
    public void AddSample_StillWornInWakingHours_OneAlarmAfterThePeriod(int minutes)
    {
        var (harness, monitor) = Start(9, new WellnessOptions { InactivityMinutes = minutes });

        harness.Motion.StillWorn((minutes + 60) * 60);

        Assert.AreEqual(WellnessTransition.Inactive, harness.Transitions.Single().Transition);
        Assert.AreEqual(minutes * Minute, harness.Transitions.Single().AtMilliseconds);
        Assert.AreEqual(WellnessState.Alarmed, monitor.State);
    }

    [TestMethod]
    [DataRow(1.0)]
    [DataRow(5.0)]
    public void AddSample_MovementBeforeThePeriod_CancelsThePendingCheck(double movingSeconds)
    {
        var (harness, monitor) = Start(9);

        harness.Motion.StillWorn(170 * 60);
        harness.Motion.Walk(movingSeconds);
        long movedAt = harness.Clock.UptimeMilliseconds;
        harness.Motion.StillWorn(175 * 60);
        Assert.IsEmpty(harness.Transitions, "the movement started a new period");
        harness.Motion.StillWorn(10 * 60);

        Assert.AreEqual(movedAt + (180 * Minute), harness.Transitions.Single().AtMilliseconds);
        Assert.IsGreaterThan(0, monitor.MovementSeconds);
    }

    [TestMethod]
    [DataRow(20, 0, 8, 0, DisplayName = "still since 20:00: 2 h before 22:00, resumes at 07:00, alarm 08:00")]
    [DataRow(21, 30, 9, 30, DisplayName = "still since 21:30: alarm 09:30")]
    [DataRow(23, 0, 10, 0, DisplayName = "still since 23:00 (night): a full period from 07:00")]
    [DataRow(5, 0, 10, 0, DisplayName = "still since 05:00: nothing counts before 07:00")]
    [DataRow(18, 0, 21, 0, DisplayName = "still since 18:00: alarm 21:00")]
    public void AddSample_PeriodAcrossTheNight_PausesAtNightAndResumesAtWakeUp(int startHour, int startMinute, int alarmHour, int alarmMinute)
    {
        var (harness, _) = Start(startHour, new WellnessOptions(), startMinute);

        harness.Motion.StillWorn(20 * 3600);

        DateTimeOffset local = harness.LocalTimeAt(harness.Transitions.First().AtMilliseconds);
        AssertAbout(alarmHour, alarmMinute, local);
        Assert.AreEqual(1, harness.Transitions.Count, "one alarm; nothing at night");
    }

    [TestMethod]
    public void AddSample_MovementAtNight_DayStartsWithAFullPeriod()
    {
        var (harness, _) = Start(20, new WellnessOptions());

        harness.Motion.StillWorn(7 * 3600); // 20:00 -> 03:00
        harness.Motion.Walk(3);             // up at 03:00
        harness.Motion.StillWorn(10 * 3600);

        AssertAbout(10, 0, harness.LocalTimeAt(harness.Transitions.Single().AtMilliseconds));
    }

    [TestMethod]
    [DataRow(22, 7, DisplayName = "night 22:00-07:00")]
    [DataRow(0, 0, DisplayName = "no night")]
    public void AddSample_WholeNightStill_NeverAlarmsAtNight(int nightFromHour, int nightUntilHour)
    {
        var options = new WellnessOptions { WakingFromMinuteOfDay = nightUntilHour * 60, WakingUntilMinuteOfDay = nightFromHour * 60, InactivityMinutes = 60 };
        var (harness, _) = Start(22, options);

        harness.Motion.StillWorn(9 * 3600); // 22:00 -> 07:00

        if (nightFromHour == nightUntilHour)
        {
            Assert.AreEqual(60 * Minute, harness.Transitions.Single().AtMilliseconds, "no night configured: every hour is waking");
        }
        else
        {
            Assert.IsEmpty(harness.Transitions);
        }
    }

    [TestMethod]
    public void AddSample_MovementAfterAlarm_SendsNothingAndRearms()
    {
        var (harness, monitor) = Start(9);
        harness.Motion.StillWorn(181 * 60);
        Assert.AreEqual(1, harness.Transitions.Count);

        harness.Motion.Walk(2);

        Assert.AreEqual(1, harness.Transitions.Count, "movement after an alarm sends nothing");
        Assert.AreEqual(WellnessState.Watching, monitor.State);
        Assert.AreEqual(1, monitor.Rearms);
        long rearmedAt = harness.Clock.UptimeMilliseconds;

        harness.Motion.StillWorn(181 * 60);

        Assert.AreEqual(2, harness.Transitions.Count, "re-armed: a second period raises a second alarm");
        Assert.AreEqual(rearmedAt + (180 * Minute), harness.Transitions[1].AtMilliseconds);
    }

    [TestMethod]
    public void AddSample_StillAfterAlarmWithoutMovement_NoSecondAlarm()
    {
        var (harness, _) = Start(9);

        harness.Motion.StillWorn(12 * 3600);

        Assert.AreEqual(1, harness.Transitions.Count);
    }

    [TestMethod]
    [DataRow(1800, DisplayName = "default: 30 min")]
    [DataRow(600, DisplayName = "10 min")]
    public void AddSample_FlatAndPerfectlyStill_NotWornOnceNeverAlarm(int notWornAfterSeconds)
    {
        var (harness, monitor) = Start(9, new WellnessOptions { NotWornAfterSeconds = notWornAfterSeconds });

        harness.Motion.Flat(10 * 3600);

        Assert.AreEqual(WellnessTransition.NotWorn, harness.Transitions.Single().Transition, "once per episode, and no wellness alarm");
        Assert.AreEqual(notWornAfterSeconds * 1000L, harness.Transitions.Single().AtMilliseconds);
        Assert.AreEqual(WellnessState.NotWorn, monitor.State);
    }

    [TestMethod]
    public void AddSample_PickedUpAfterNotWorn_EpisodeEndsAndANewOneIsReportedAgain()
    {
        var (harness, monitor) = Start(9);
        harness.Motion.Flat(3600);

        harness.Motion.Walk(2);
        Assert.AreEqual(WellnessState.Watching, monitor.State);
        harness.Motion.Flat(3600);

        CollectionAssert.AreEqual(new[] { WellnessTransition.NotWorn, WellnessTransition.NotWorn }, harness.Transitions.Select(t => t.Transition).ToArray());
    }

    [TestMethod]
    public void AddSample_NotWornThenWornStill_PeriodStartsAtThePickUp()
    {
        var (harness, _) = Start(9);
        harness.Motion.Flat(3600);
        harness.Motion.Walk(2);
        long wornAt = harness.Clock.UptimeMilliseconds;

        harness.Motion.StillWorn(4 * 3600);

        Assert.AreEqual(WellnessTransition.Inactive, harness.Transitions[^1].Transition);
        Assert.AreEqual(wornAt + (180 * Minute), harness.Transitions[^1].AtMilliseconds);
    }

    [TestMethod]
    [DataRow("flat on the back, breathing")]
    [DataRow("tilted, breathing")]
    public void AddSample_WornByAStillElder_AlarmNeverNotWorn(string posture)
    {
        var (harness, _) = Start(9);

        if (posture.StartsWith("flat", StringComparison.Ordinal))
        {
            harness.Motion.FlatBreathing(4 * 3600);
        }
        else
        {
            harness.Motion.StillWorn(4 * 3600);
        }

        Assert.AreEqual(WellnessTransition.Inactive, harness.Transitions.Single().Transition);
    }

    [TestMethod]
    public void SetCharging_OnTheCharger_NothingCountsAndAFreshPeriodAfter()
    {
        var (harness, monitor) = Start(9);
        harness.Motion.StillWorn(170 * 60);

        monitor.SetCharging(true);
        harness.Motion.Flat(5 * 3600);
        Assert.AreEqual(WellnessState.Charging, monitor.State);
        Assert.IsEmpty(harness.Transitions, "on the charger: no alarm, no not_worn (the charging event says it)");

        monitor.SetCharging(false);
        long unpluggedAt = harness.Clock.UptimeMilliseconds;
        harness.Motion.StillWorn(4 * 3600);

        Assert.AreEqual(unpluggedAt + (180 * Minute), harness.Transitions.Single().AtMilliseconds);
    }

    [TestMethod]
    public void SetCharging_AfterAnAlarm_EndsItWithoutSending()
    {
        var (harness, monitor) = Start(9);
        harness.Motion.StillWorn(181 * 60);

        monitor.SetCharging(true);
        monitor.SetCharging(false);

        Assert.AreEqual(WellnessState.Watching, monitor.State);
        Assert.AreEqual(0L, monitor.StillMilliseconds);
        Assert.AreEqual(1, harness.Transitions.Count);
    }

    [TestMethod]
    [DataRow(0L, DisplayName = "1970: no SNTP yet")]
    [DataRow(1_500_000_000_000L, DisplayName = "2017: an old RTC")]
    public void AddSample_ClockNotSet_NeverAlarms(long startUtc)
    {
        var clock = new FakeClock(startUtc);
        var monitor = new InactivityMonitor(new WellnessOptions(), Motion.Hertz);
        var motion = new Motion(clock, monitor);

        motion.StillWorn(24 * 3600);

        Assert.IsEmpty(motion.Transitions);
    }

    [TestMethod]
    public void AddSample_SamplesThatAreNotNumbers_CountForNothing()
    {
        var (harness, monitor) = Start(9);

        harness.Motion.Play(4 * 3600, _ => (float.NaN, 0f, 1f));

        Assert.IsEmpty(harness.Transitions);
        Assert.AreEqual(4 * 3600, monitor.InvalidWindows);
    }

    [TestMethod]
    public void AddSample_NoSamplesForHours_NothingCounts()
    {
        var (harness, monitor) = Start(9);
        harness.Motion.StillWorn(100 * 60);

        harness.Clock.Advance(10 * 3600 * 1000L); // the accelerometer stopped delivering (I2C fault)
        harness.Motion.StillWorn(79 * 60);

        Assert.IsEmpty(harness.Transitions, "only observed still seconds count");
        Assert.AreEqual(179 * Minute, monitor.StillMilliseconds);
    }

    [TestMethod]
    public void AddSample_MillionSamples_AllocatesNothing()
    {
        var monitor = new InactivityMonitor(new WellnessOptions(), Motion.Hertz);
        var random = new Random(3);
        var samples = new float[3000];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)random.NextDouble();
        }

        monitor.AddSample(0f, 0f, 1f, Motion.NineAmChinaUtc);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000_000; i++)
        {
            int k = (i % 1000) * 3;
            monitor.AddSample(samples[k], samples[k + 1], samples[k + 2], Motion.NineAmChinaUtc + (i * 20L));
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.AreEqual(0L, allocated);
        Assert.IsGreaterThan(0, monitor.MovementSeconds, "the random samples were movement, so the window path ran");
    }

    /// <summary>
    /// At hh:mm, to the second: a second counts by the local time at its end, so the second ending 07:00:00 is the
    /// first of the day and one ending 22:00:00 already night; an alarm can be due at hh:mm - 1 s.
    /// </summary>
    private static void AssertAbout(int hour, int minute, DateTimeOffset local)
    {
        double secondsOfDay = local.TimeOfDay.TotalSeconds;
        double expected = ((hour * 60) + minute) * 60;
        Assert.IsTrue(Math.Abs(secondsOfDay - expected) <= 1, $"alarm at {local:HH:mm:ss}, expected {hour:00}:{minute:00}");
    }

    private static (Harness Harness, InactivityMonitor Monitor) Start(int localHour, WellnessOptions? options = null, int localMinute = 0)
    {
        options ??= new WellnessOptions();
        Assert.IsNull(options.Validate());
        var clock = new ClockWithStart(Motion.ClockAtChinaTime(localHour, localMinute));
        var monitor = new InactivityMonitor(options, Motion.Hertz);
        return (new Harness(clock, new Motion(clock.Clock, monitor)), monitor);
    }

    internal sealed record ClockWithStart(FakeClock Clock)
    {
        public long StartUtc { get; } = Clock.UtcNowUnixMilliseconds;

        public long UptimeMilliseconds => Clock.UptimeMilliseconds;

        public void Advance(long milliseconds) => Clock.Advance(milliseconds);
    }

    internal sealed record Harness(ClockWithStart Clock, Motion Motion)
    {
        public List<(long AtMilliseconds, int Transition)> Transitions => Motion.Transitions;

        /// <summary>Local time in China at an uptime.</summary>
        public DateTimeOffset LocalTimeAt(long uptimeMilliseconds) =>
            DateTimeOffset.FromUnixTimeMilliseconds(Clock.StartUtc + uptimeMilliseconds).ToOffset(TimeSpan.FromHours(8));
    }
}
