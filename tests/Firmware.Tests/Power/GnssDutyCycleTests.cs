using Eldercare.Firmware.Core.Power;

namespace Eldercare.Firmware.Tests.Power;

/// <summary>The GNSS duty cycle on a fake clock (time is the argument): windows, their end, the period near an edge.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class GnssDutyCycleTests
{
    private const float Margin = 25f;
    private const float DeepInside = -1000f; // a 2 km zone's centre: the exit line is 1025 m away, beyond 300 s at 2 m/s

    [TestMethod]
    public void Update_DeepInside_OnForTheWindowThenOffUntilTheNextPeriod()
    {
        // Arrange: the module gives a gated fix 10 s after each power-up
        var cycle = new GnssDutyCycle(new GnssDutyCycleOptions(), Margin);
        var module = new FakeModule(10_000);
        cycle.Start(0);
        var edges = new List<(long At, bool On)>();
        bool was = false;

        // Act: 20 minutes, a tick a second
        for (long t = 0; t <= 1_200_000; t += 1000)
        {
            bool on = cycle.Update(t, module.LastFixAt(t), DeepInside, false);
            module.Power(on, t);
            if (on != was)
            {
                edges.Add((t, on));
                was = on;
            }
        }

        // Assert
        CollectionAssert.AreEqual(
            new[] { (0L, true), (10_000L, false), (300_000L, true), (310_000L, false), (600_000L, true), (610_000L, false), (900_000L, true), (910_000L, false), (1_200_000L, true) },
            edges.ToArray());
        Assert.AreEqual(GnssDutyCycle.EndFix, cycle.LastEnd);
        Assert.AreEqual(300_000L, cycle.PeriodMilliseconds);
        Assert.AreEqual(4, cycle.WindowsWithFix);
    }

    [TestMethod]
    public void Update_GatedFixArrives_WindowEndsOnThatTick()
    {
        // Arrange
        var cycle = new GnssDutyCycle(new GnssDutyCycleOptions(), Margin);
        cycle.Start(0);
        Assert.IsTrue(cycle.Update(0, -1, 0f, false));
        Assert.IsTrue(cycle.Update(2_980, -1, 0f, false), "no fix yet");

        // Act
        bool on = cycle.Update(3_000, 2_990, DeepInside, false);

        // Assert
        Assert.IsFalse(on);
        Assert.AreEqual(GnssDutyCycle.EndFix, cycle.LastEnd);
        Assert.AreEqual(300_000L, cycle.NextWindowAt, "counted from the window's opening");
        Assert.AreEqual(297_000L, cycle.MillisecondsUntilNextWindow(3_000));
    }

    [TestMethod]
    public void Update_FixFromBeforeTheWindow_DoesNotEndIt()
    {
        var cycle = new GnssDutyCycle(new GnssDutyCycleOptions(), Margin);
        cycle.Start(0);
        cycle.Update(0, -1, 0f, false);
        Assert.IsFalse(cycle.Update(5_000, 4_000, DeepInside, false));

        Assert.IsTrue(cycle.Update(300_000, 4_000, DeepInside, false), "the old fix does not count for the new window");
        Assert.IsTrue(cycle.Update(305_000, 4_000, DeepInside, false));
    }

    [TestMethod]
    public void Update_NoFix_WindowEndsAtTheTimeoutWithReasonNoFix()
    {
        // Arrange: first window after a boot 60 s (cold start), later ones 30 s; the period doubles after each
        var options = new GnssDutyCycleOptions();
        var cycle = new GnssDutyCycle(options, Margin);
        cycle.Start(0);

        // Act + Assert
        Assert.IsTrue(cycle.Update(0, -1, 0f, false));
        Assert.IsTrue(cycle.Update(59_999, -1, 0f, false));
        Assert.IsFalse(cycle.Update(60_000, -1, 0f, false));
        Assert.AreEqual(GnssDutyCycle.EndNoFix, cycle.LastEnd);
        Assert.AreEqual(1, cycle.WindowsWithoutFix);
        long next = cycle.NextWindowAt;
        Assert.AreEqual(60_000L + 60_000L, next, "no fix: the fast period doubled (60 s), counted from the window's end as it is over");
        Assert.IsTrue(cycle.Update(next, -1, 0f, false));
        Assert.IsTrue(cycle.Update(next + 29_999, -1, 0f, false));
        Assert.IsFalse(cycle.Update(next + 30_000, -1, 0f, false));
        Assert.AreEqual(2, cycle.WindowsWithoutFix);
        Assert.AreEqual(120_000L, cycle.PeriodMilliseconds, "doubled again");
        Assert.AreEqual(next + 120_000L, cycle.NextWindowAt);
        Assert.AreEqual(60_000L + 30_000L, cycle.OnMilliseconds);
    }

    [TestMethod]
    [DataRow(-1000f, 300_000L)] // 1025 m to the exit line at 2 m/s: beyond the period
    [DataRow(-475f, 250_000L)] // 500 m at 2 m/s
    [DataRow(-100f, 62_500L)] // a 100 m zone's centre: 125 m at 2 m/s
    [DataRow(-10f, 30_000L)] // near the edge: the fast period
    [DataRow(10f, 30_000L)] // between the edge and the exit line
    [DataRow(80f, 30_000L)] // outside
    public void Update_FixAtDistance_NextPeriodIsTheTimeToReachTheExitLine(float distance, long expectedPeriod)
    {
        var cycle = new GnssDutyCycle(new GnssDutyCycleOptions(), Margin);
        cycle.Start(0);
        cycle.Update(0, -1, 0f, false);

        cycle.Update(2_000, 1_000, distance, false);

        Assert.AreEqual(expectedPeriod, cycle.PeriodMilliseconds);
        Assert.AreEqual(expectedPeriod, cycle.NextWindowAt);
    }

    [TestMethod]
    public void Update_MovingFasterThanWalking_ShortensThePeriod()
    {
        // Arrange: two fixes 300 s apart, 1500 m closer to the edge (5 m/s: a bus)
        var cycle = new GnssDutyCycle(new GnssDutyCycleOptions(), Margin);
        cycle.Start(0);
        cycle.Update(0, -1, 0f, false);
        cycle.Update(1_000, 1_000, -2000f, false);
        Assert.AreEqual(300_000L, cycle.PeriodMilliseconds);
        cycle.Update(300_000, -1, 0f, false);

        // Act
        cycle.Update(301_000, 301_000, -500f, false);

        // Assert: 525 m at 5 m/s = 105 s (at 2 m/s it would be 262.5 s)
        Assert.AreEqual(500, cycle.SpeedCentimetresPerSecond);
        Assert.AreEqual(105_000L, cycle.PeriodMilliseconds);
    }

    [TestMethod]
    public void Update_GeofenceConfirming_HeldOpenUntilItDecidesOrTheHoldLimit()
    {
        // Arrange
        var options = new GnssDutyCycleOptions();
        var cycle = new GnssDutyCycle(options, Margin);
        cycle.Start(0);
        cycle.Update(0, -1, 0f, false);

        // Act + Assert: a fix beyond the exit line starts a confirmation: the window stays open while it runs
        Assert.IsTrue(cycle.Update(2_000, 2_000, 40f, true));
        Assert.IsTrue(cycle.Update(31_000, 31_000, 45f, true));
        Assert.IsFalse(cycle.Update(33_000, 33_000, 50f, false), "decided (the alarm): the window ends");
        Assert.AreEqual(GnssDutyCycle.EndFix, cycle.LastEnd);
        Assert.AreEqual(30_000L, cycle.PeriodMilliseconds, "outside: the fast period");

        long opened = cycle.NextWindowAt;
        Assert.AreEqual(33_000L + 30_000L, opened, "held beyond the period: counted from the window's end");
        Assert.IsTrue(cycle.Update(opened, 33_000, 50f, false));
        long limit = opened + ((options.FixTimeoutSeconds + options.ConfirmHoldSeconds) * 1000L);
        Assert.IsTrue(cycle.Update(limit - 1, limit - 1, 20f, true));
        Assert.IsFalse(cycle.Update(limit, limit, 20f, true), "a confirmation that never ends is cut at the hold limit");
        Assert.AreEqual(GnssDutyCycle.EndHoldLimit, cycle.LastEnd);
    }

    [TestMethod]
    public void Validate_Defaults_AreValidAndThePeriodIsTheBudgets()
    {
        var options = new GnssDutyCycleOptions();

        Assert.IsNull(options.Validate());
        Assert.AreEqual(300, options.PeriodSeconds);
        Assert.IsNotNull(new GnssDutyCycleOptions { FastPeriodSeconds = 400 }.Validate());
        Assert.IsNotNull(new GnssDutyCycleOptions { FixTimeoutSeconds = 2 }.Validate());
        Assert.IsNotNull(new GnssDutyCycleOptions { WalkingSpeedCentimetresPerSecond = 0 }.Validate());
    }

    /// <summary>A module that gives a gated fix a fixed time after each power-up, then one a second.</summary>
    internal sealed class FakeModule(long timeToFixMilliseconds)
    {
        private long _poweredAt = -1;
        private long _lastFixAt = -1;

        public void Power(bool on, long now)
        {
            if (on && _poweredAt < 0)
            {
                _poweredAt = now;
            }
            else if (!on)
            {
                _poweredAt = -1;
            }
        }

        public long LastFixAt(long now)
        {
            if (_poweredAt >= 0 && now - _poweredAt >= timeToFixMilliseconds)
            {
                _lastFixAt = now;
            }

            return _lastFixAt;
        }
    }
}
