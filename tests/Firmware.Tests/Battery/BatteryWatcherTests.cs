using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Battery;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Tests.Fakes;

namespace Eldercare.Firmware.Tests.Battery;

/// <summary>battery_low once per crossing (20%, re-armed at 25%), charging when it starts; each change held for two 2 s reads.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class BatteryWatcherTests
{
    private readonly FakeBattery _battery = new() { Percent = 60 };
    private readonly RecordingRaiser _raiser = new();
    private BatteryWatcher _watcher = null!;
    private long _now;

    [TestInitialize]
    public void Create() => _watcher = new BatteryWatcher(new BatteryOptions(), _battery, _raiser);

    [TestMethod]
    [DataRow(new[] { 30, 21, 19, 19, 18, 17, 5 }, 1, DisplayName = "one crossing, keeps falling: once")]
    [DataRow(new[] { 21, 19, 19, 21, 19, 19, 22, 19, 19 }, 1, DisplayName = "jitter around 20 below the re-arm level: once")]
    [DataRow(new[] { 19, 19, 25, 25, 19, 19 }, 2, DisplayName = "back to 25 re-arms: twice")]
    [DataRow(new[] { 19, 19, 24, 24, 19, 19 }, 1, DisplayName = "24 does not re-arm")]
    [DataRow(new[] { 30, 19, 30, 19, 30 }, 0, DisplayName = "single low readings (ADC noise): never")]
    [DataRow(new[] { 12, 12 }, 1, DisplayName = "booted low: once")]
    [DataRow(new[] { -1, -1, -1 }, 0, DisplayName = "gauge unreadable: never")]
    public void Poll_BatteryReadings_LowOncePerCrossing(int[] readings, int expectedLowEvents)
    {
        foreach (int percent in readings)
        {
            _battery.Percent = percent;
            PollOnce();
        }

        Assert.AreEqual(expectedLowEvents, _raiser.Count(EventTypes.BatteryLow));
    }

    [TestMethod]
    public void Poll_LowWhileCharging_NotReportedUntilOffTheChargerStillLow()
    {
        _battery.Charging = true;
        _battery.Percent = 10;
        PollOnce();
        PollOnce();
        PollOnce();
        Assert.AreEqual(0, _raiser.Count(EventTypes.BatteryLow));

        _battery.Charging = false;
        PollOnce();
        PollOnce();

        Assert.AreEqual(1, _raiser.Count(EventTypes.BatteryLow));
    }

    [TestMethod]
    public void Poll_PutOnCharger_OneChargingEventAfterTwoReads()
    {
        PollOnce();
        _battery.Charging = true;

        PollOnce();
        Assert.AreEqual(0, _raiser.Count(EventTypes.Charging), "one read is not enough");
        PollOnce();
        PollOnce();
        PollOnce();

        Assert.AreEqual(1, _raiser.Count(EventTypes.Charging));
        Assert.IsTrue(_watcher.IsCharging);
    }

    [TestMethod]
    public void Poll_ChargerBouncing_NoEventUntilItHolds()
    {
        foreach (bool charging in new[] { true, false, true, false, true, false })
        {
            _battery.Charging = charging;
            PollOnce();
        }

        Assert.AreEqual(0, _raiser.Count(EventTypes.Charging));
        Assert.IsFalse(_watcher.IsCharging);
    }

    [TestMethod]
    public void Poll_ChargedTwice_TwoEvents()
    {
        foreach (bool charging in new[] { true, true, false, false, true, true })
        {
            _battery.Charging = charging;
            PollOnce();
        }

        Assert.AreEqual(2, _raiser.Count(EventTypes.Charging));
    }

    [TestMethod]
    public void Poll_BetweenPolls_ReadsNothing()
    {
        _battery.Charging = true;
        _watcher.Poll(0);
        _watcher.Poll(1999);

        Assert.IsFalse(_watcher.IsCharging, "the second read is due at 2000 ms");
        _watcher.Poll(2000);
        Assert.IsTrue(_watcher.IsCharging);
    }

    [TestMethod]
    [DataRow(0, 25)]
    [DataRow(20, 20)]
    [DataRow(20, 51)]
    [DataRow(51, 60)]
    public void Validate_BadThresholds_Refused(int low, int rearm) =>
        Assert.IsNotNull(new BatteryOptions { LowPercent = low, RearmPercent = rearm }.Validate());

    private void PollOnce()
    {
        _watcher.Poll(_now);
        _now += 2000;
    }

    private sealed class RecordingRaiser : IEventRaiser
    {
        private readonly List<string> _types = [];

        public int Count(string type) => _types.Count(t => t == type);

        public int Raise(string type, int confidencePerMille, int referenceSequence, string info)
        {
            _types.Add(type);
            return _types.Count;
        }
    }
}
