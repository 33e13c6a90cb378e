using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Tests.Fakes;
using Eldercare.Firmware.Tests.Falls;

namespace Eldercare.Firmware.Tests.Apps;

/// <summary>The fall detector wired into the wearable app: accelerometer -> detector -> alarm -> outbox.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class WearableAppFallTests
{
    private readonly FakeClock _clock = new();
    private readonly FakeMqttLink _link = new();
    private readonly FakeIndicator _indicator = new();
    private readonly FakeButton _button = new();

    [TestMethod]
    public void Tick_FallTrace_RaisesFallAlarmWithConfidenceAndFeaturesWithinTwoSecondsOfImpact()
    {
        var trace = new SyntheticTraces().Walk(4).Drop(0.4, 0.2f);
        long impactMs = trace.Count * 20L;
        var accelerometer = new ScriptedAccelerometer(trace.Impact(6f, 0.3f, -0.5f, 0.8f).Lie(8).Samples);
        WearableApp app = Start(accelerometer);

        long firedAt = RunUntilFall(app, 20_000);

        DeviceEvent fall = Published().Single(e => e.Type == EventTypes.Fall);
        Assert.IsTrue(firedAt - impactMs <= 2_100, $"fall raised {firedAt - impactMs} ms after the impact");
        Assert.IsTrue(fall.ConfidencePerMille is >= 500 and <= 1000, $"confidence {fall.ConfidencePerMille}");
        Assert.IsFalse(string.IsNullOrEmpty(fall.Info));
        CollectionAssert.AreEqual(new[] { IndicatorPattern.AlarmRaised, IndicatorPattern.AlarmReceived }, _indicator.Shown, "raised, then received on PUBACK");
        Assert.AreEqual(50, accelerometer.Reads * 1000 / (int)_clock.UptimeMilliseconds, "sampled at 50 Hz");
    }

    [TestMethod]
    public void Tick_FallThenShortPress_SendsFallCancelReferencingTheFall()
    {
        var samples = new SyntheticTraces().Walk(4).Drop(0.4, 0.2f).Impact(6f, 0.3f, -0.5f, 0.8f).Lie(8).Samples;
        WearableApp app = Start(new ScriptedAccelerometer(samples));
        RunUntilFall(app, 20_000);

        _button.IsPressed = true;
        Run(app, 200);
        _button.IsPressed = false;
        Run(app, 100);

        DeviceEvent fall = Published().Single(e => e.Type == EventTypes.Fall);
        DeviceEvent cancel = Published().Single(e => e.Type == EventTypes.FallCancel);
        Assert.AreEqual(fall.Sequence, cancel.ReferenceSequence);
    }

    [TestMethod]
    public void Tick_Walking_RaisesNoFall()
    {
        WearableApp app = Start(new ScriptedAccelerometer(new SyntheticTraces().Walk(30).Samples));

        Run(app, 30_000);

        Assert.IsFalse(Published().Any(e => e.Type == EventTypes.Fall));
    }

    [TestMethod]
    public void Tick_AccelerometerFails_CountsFailuresAndKeepsRunning()
    {
        var accelerometer = new ScriptedAccelerometer(new SyntheticTraces().Stand(2).Samples) { FailReads = true };
        WearableApp app = Start(accelerometer);

        Run(app, 1_000);

        Assert.AreEqual(50, app.AccelerometerFailureCount, 1);
        Assert.AreEqual(EventTypes.Heartbeat, Published().Single().Type);
    }

    [TestMethod]
    public void Tick_LoopStalls_SkipsAndCountsSlotsInsteadOfBursting()
    {
        var accelerometer = new ScriptedAccelerometer(new SyntheticTraces().Stand(20).Samples);
        WearableApp app = Start(accelerometer);
        app.Tick();

        _clock.Advance(1_000); // the loop was blocked for a second
        app.Tick();

        Assert.IsTrue(accelerometer.Reads <= 6, $"{accelerometer.Reads} reads after a stall");
        Assert.IsTrue(app.SkippedSampleCount >= 40, $"skipped {app.SkippedSampleCount}");
    }

    [TestMethod]
    public void Constructor_NoAccelerometer_DetectsNoFalls()
    {
        var hardware = new WearableHardware(_clock, new MemoryStorage(), _link, _button, _indicator, new FakeBattery());

        Assert.IsFalse(new WearableApp(new WearableOptions("pendant-0001"), hardware).DetectsFalls);
    }

    private WearableApp Start(ScriptedAccelerometer accelerometer)
    {
        var hardware = new WearableHardware(_clock, new MemoryStorage(), _link, _button, _indicator, new FakeBattery())
        {
            Accelerometer = accelerometer,
        };
        var app = new WearableApp(new WearableOptions("pendant-0001") { Placement = "waist" }, hardware);
        Assert.IsTrue(app.Start());
        Assert.IsTrue(app.DetectsFalls);
        return app;
    }

    private long RunUntilFall(WearableApp app, int limitMs)
    {
        for (int t = 0; t < limitMs; t += 10)
        {
            _clock.Advance(10);
            app.Tick();
            AckAll();
            if (Published().Any(e => e.Type == EventTypes.Fall))
            {
                return _clock.UptimeMilliseconds;
            }
        }

        Assert.Fail("no fall alarm raised");
        return -1;
    }

    private void Run(WearableApp app, int milliseconds)
    {
        for (int t = 0; t < milliseconds; t += 10)
        {
            _clock.Advance(10);
            app.Tick();
            AckAll();
        }
    }

    private void AckAll()
    {
        if (_link.Published.Count > 0)
        {
            _link.Complete(_link.Published[^1].Token, acknowledged: true);
        }
    }

    private List<DeviceEvent> Published() => _link.Published.Select(p => EventCodec.Decode(p.Payload).Event!).ToList();
}
