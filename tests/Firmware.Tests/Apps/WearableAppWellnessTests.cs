using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Wellness;
using Eldercare.Firmware.Tests.Fakes;
using Eldercare.Firmware.Tests.Wellness;

namespace Eldercare.Firmware.Tests.Apps;

/// <summary>The app end to end on a fake clock: heartbeat fields, the wellness alarm, not_worn, battery and charger events.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class WearableAppWellnessTests
{
    private readonly FakeClock _clock = Motion.ClockAtChinaTime(9);
    private readonly MemoryStorage _storage = new();
    private readonly FakeMqttLink _link = new();
    private readonly FakeBattery _battery = new() { Percent = 64 };
    private readonly GeneratedAccelerometer _accelerometer = new();

    [TestMethod]
    public void Tick_Heartbeat_CarriesBatterySignalAndFirmwareVersion()
    {
        WearableApp app = NewPendant(new WearableOptions("pendant-0001") { FirmwareVersion = "1.4.0" }, new FakeRadio { SignalDbm = -67 });
        app.Start();

        Run(app, 1000);

        DeviceEvent heartbeat = Published().First(e => e.Type == EventTypes.Heartbeat);
        Assert.AreEqual((64, -67, "1.4.0"), (heartbeat.BatteryPercent, heartbeat.SignalDbm, heartbeat.FirmwareVersion));
    }

    [TestMethod]
    [DataRow(int.MinValue, DisplayName = "not connected")]
    [DataRow(5, DisplayName = "out of range")]
    public void Tick_HeartbeatWithoutAUsableSignal_NoRssiField(int signal)
    {
        WearableApp app = NewPendant(new WearableOptions("pendant-0001"), new FakeRadio { SignalDbm = signal });
        app.Start();

        Run(app, 1000);

        DeviceEvent heartbeat = Published().First(e => e.Type == EventTypes.Heartbeat);
        Assert.AreEqual(DeviceEvent.NoSignal, heartbeat.SignalDbm);
        Assert.AreEqual(WearableOptions.CurrentFirmwareVersion, heartbeat.FirmwareVersion);
    }

    [TestMethod]
    public void Tick_ElderStillForThePeriod_OneWellnessAlarmThenMovementSendsNothing()
    {
        WearableApp app = NewPendant(new WearableOptions("pendant-0001") { Wellness = new WellnessOptions { InactivityMinutes = 20, NotWornAfterSeconds = 600 } });
        app.Start();
        _accelerometer.Mode = GeneratedAccelerometer.StillWorn;

        Run(app, 25 * 60_000);
        _accelerometer.Mode = GeneratedAccelerometer.Walking;
        Run(app, 10_000);

        DeviceEvent alarm = Published().Single(e => e.Type != EventTypes.Heartbeat);
        Assert.AreEqual(EventTypes.Wellness, alarm.Type);
        Assert.AreEqual("still=20min;waking=07:00-22:00", alarm.Info);
        Assert.AreEqual(EventTypes.AlarmLane, EventTypes.LaneOf(alarm.Type));
        Assert.AreEqual(WellnessState.Watching, app.Wellness!.Monitor.State, "movement re-armed the check");
    }

    [TestMethod]
    public void Tick_LeftOnTheTable_NotWornStatusNoAlarm()
    {
        WearableApp app = NewPendant(new WearableOptions("pendant-0001") { Wellness = new WellnessOptions { InactivityMinutes = 20, NotWornAfterSeconds = 600 } });
        app.Start();
        _accelerometer.Mode = GeneratedAccelerometer.Flat;

        Run(app, 60 * 60_000);

        DeviceEvent status = Published().Single(e => e.Type != EventTypes.Heartbeat);
        Assert.AreEqual((EventTypes.NotWorn, "flat=10min", EventTypes.ServiceLane), (status.Type, status.Info, EventTypes.LaneOf(status.Type)));
    }

    [TestMethod]
    public void Tick_OnTheCharger_ChargingEventAndNoWellnessAlarm()
    {
        WearableApp app = NewPendant(new WearableOptions("pendant-0001") { Wellness = new WellnessOptions { InactivityMinutes = 20, NotWornAfterSeconds = 600 } });
        app.Start();
        _accelerometer.Mode = GeneratedAccelerometer.Flat;
        Run(app, 5000);

        _battery.Charging = true;
        Run(app, 60 * 60_000);

        DeviceEvent charging = Published().Single(e => e.Type != EventTypes.Heartbeat);
        Assert.AreEqual((EventTypes.Charging, 64), (charging.Type, charging.BatteryPercent));
        Assert.IsTrue(app.Battery.IsCharging);
    }

    [TestMethod]
    public void Tick_BatteryFallsBelowTwentyPercent_OneBatteryLow()
    {
        WearableApp app = NewPendant(new WearableOptions("pendant-0001"));
        app.Start();
        Run(app, 10_000);

        foreach (int percent in new[] { 21, 19, 18, 20, 19, 17, 15 })
        {
            _battery.Percent = percent;
            Run(app, 10_000);
        }

        DeviceEvent low = Published().Single(e => e.Type == EventTypes.BatteryLow);
        Assert.AreEqual(19, low.BatteryPercent);
        Assert.AreEqual(EventTypes.ServiceLane, EventTypes.LaneOf(low.Type));
    }

    [TestMethod]
    public void Start_WellnessSwitchedOff_NoWatcher()
    {
        WearableApp app = NewPendant(new WearableOptions("pendant-0001") { Wellness = null });

        Assert.IsTrue(app.Start());
        Assert.IsNull(app.Wellness);
    }

    [TestMethod]
    public void Start_BadFirmwareVersion_Refused()
    {
        WearableApp app = NewPendant(new WearableOptions("pendant-0001") { FirmwareVersion = "v1 beta" });

        Assert.IsFalse(app.Start());
    }

    private WearableApp NewPendant(WearableOptions options, IRadio? radio = null)
    {
        var hardware = new WearableHardware(_clock, _storage, _link, new FakeButton(), new FakeIndicator(), _battery)
        {
            Accelerometer = _accelerometer,
            Radio = radio,
        };
        return new WearableApp(options, hardware);
    }

    /// <summary>Ticks every 20 ms, the gateway acknowledging each publish at once.</summary>
    private void Run(WearableApp app, long milliseconds)
    {
        for (long t = 0; t < milliseconds; t += 20)
        {
            _clock.Advance(20);
            app.Tick();
            if (_link.Published.Count > 0 && !_acknowledged.Contains(_link.Published[^1].Token))
            {
                _acknowledged.Add(_link.Published[^1].Token);
                _link.Complete();
            }
        }
    }

    private readonly HashSet<int> _acknowledged = [];

    private List<DeviceEvent> Published() => _link.Published.Select(p => EventCodec.Decode(p.Payload).Event!).ToList();

    /// <summary>An accelerometer whose motion the test switches: still but worn, walking, or flat on a table.</summary>
    private sealed class GeneratedAccelerometer : IAccelerometer
    {
        public const int StillWorn = 0;
        public const int Walking = 1;
        public const int Flat = 2;

        private readonly Random _random = new(9);
        private long _sample;

        public int Mode { get; set; } = Walking;

        public bool TryRead(out float xG, out float yG, out float zG)
        {
            double t = _sample++ / 50.0;
            float n() => (float)((_random.NextDouble() * 2) - 1) * 0.003f;
            switch (Mode)
            {
                case Walking:
                    (xG, yG, zG) = (0.02f + n(), -0.98f - (0.3f * (float)Math.Sin(2 * Math.PI * 2 * t)), -0.15f + n());
                    break;
                case Flat:
                    (xG, yG, zG) = (0.004f + n(), -0.006f + n(), 1.002f + n());
                    break;
                default:
                    (xG, yG, zG) = (0.5f + (0.01f * (float)Math.Sin(2 * Math.PI * 0.25 * t)) + n(), 0.3f + n(), 0.81f + n());
                    break;
            }

            return true;
        }
    }
}
