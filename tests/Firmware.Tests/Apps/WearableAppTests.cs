using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Identity;
using Eldercare.Firmware.Tests.Fakes;

namespace Eldercare.Firmware.Tests.Apps;

[TestClass]
[TestCategory("Unit")]
public sealed class WearableAppTests
{
    private readonly FakeClock _clock = new();
    private readonly MemoryStorage _storage = new();
    private readonly FakeMqttLink _link = new();
    private readonly FakeButton _button = new();
    private readonly FakeIndicator _indicator = new();

    [TestMethod]
    public void Start_EachBoot_BumpsPersistedBootEpoch()
    {
        Assert.AreEqual(1, NewApp().StartAndReturn().BootEpoch);
        Assert.AreEqual(2, NewApp().StartAndReturn().BootEpoch);
        Assert.AreEqual(3, NewApp().StartAndReturn().BootEpoch);
    }

    [TestMethod]
    public void Start_CorruptBootEpochFile_JumpsAheadInsteadOfReusingIds()
    {
        _storage.TryWrite(EventSequencer.BootEpochBlobName, [0x41, 0x00]);

        WearableApp app = NewApp().StartAndReturn();

        Assert.IsTrue(app.BootEpoch > 1000, $"boot epoch {app.BootEpoch} could collide with old ids");
    }

    [TestMethod]
    public void Tick_Start_SendsHeartbeatWithBattery()
    {
        WearableApp app = NewApp().StartAndReturn();

        app.Tick();

        DeviceEvent e = LastPublished();
        Assert.AreEqual(EventTypes.Heartbeat, e.Type);
        Assert.AreEqual(87, e.BatteryPercent);
        Assert.AreEqual("pendant-0001:1:1", e.Id);
    }

    [TestMethod]
    public void Tick_HeartbeatInterval_SendsNextHeartbeatOnTime()
    {
        WearableApp app = NewApp(heartbeatSeconds: 30).StartAndReturn();
        app.Tick();
        _link.Complete();

        RunFor(app, 29_000);
        Assert.AreEqual(1, _link.Published.Count);
        RunFor(app, 1_100);
        Assert.AreEqual(2, _link.Published.Count);
    }

    [TestMethod]
    public void LongPress_RaisesSosAtOnceAndReceivedOnlyAfterPubAck()
    {
        WearableApp app = StartedAndIdle();

        _button.IsPressed = true;
        RunFor(app, 2_100);

        DeviceEvent sos = LastPublished();
        Assert.AreEqual(EventTypes.Sos, sos.Type);
        Assert.AreEqual(IndicatorPattern.AlarmRaised, _indicator.Last, "sent is not received");
        _link.Complete(acknowledged: true);
        Assert.AreEqual(IndicatorPattern.AlarmReceived, _indicator.Last);
        Assert.AreEqual(0, app.Outbox.Count);
    }

    [TestMethod]
    public void ShortPressWithinWindow_SendsCancelReferencingTheSos()
    {
        WearableApp app = StartedAndIdle(cancelWindowMs: 10_000);
        PressLong(app);
        int sosSeq = LastPublished().Sequence;
        _link.Complete();

        RunFor(app, 3_000);
        PressShort(app);

        DeviceEvent cancel = LastPublished();
        Assert.AreEqual(EventTypes.SosCancel, cancel.Type);
        Assert.AreEqual(sosSeq, cancel.ReferenceSequence);
        Assert.AreEqual(IndicatorPattern.AlarmCancelled, _indicator.Last);
    }

    [TestMethod]
    public void ShortPressAfterWindow_DoesNothing()
    {
        WearableApp app = StartedAndIdle(cancelWindowMs: 5_000);
        PressLong(app);
        _link.Complete();
        int published = _link.Published.Count;

        RunFor(app, 6_000);
        PressShort(app);

        Assert.AreEqual(published, _link.Published.Count);
        Assert.AreEqual(IndicatorPattern.AlarmReceived, _indicator.Last);
    }

    [TestMethod]
    public void ReportFall_RaisesFallAlarmWithConfidenceThenShortPressCancelsIt()
    {
        WearableApp app = StartedAndIdle();

        app.ReportFall(930, "peak=4.20g;still=0.95");
        app.Tick();
        DeviceEvent fall = LastPublished();
        _link.Complete();
        PressShort(app);
        DeviceEvent cancel = LastPublished();

        Assert.AreEqual(EventTypes.Fall, fall.Type);
        Assert.AreEqual(930, fall.ConfidencePerMille);
        Assert.AreEqual("peak=4.20g;still=0.95", fall.Info);
        Assert.AreEqual(EventTypes.FallCancel, cancel.Type);
        Assert.AreEqual(fall.Sequence, cancel.ReferenceSequence);
    }

    [TestMethod]
    public void LongPressDuringFallAlarm_EscalatesToSos()
    {
        WearableApp app = StartedAndIdle();
        app.ReportFall(800, "x");
        app.Tick();
        int fallSeq = LastPublished().Sequence;
        _link.Complete();

        PressLong(app);

        DeviceEvent sos = LastPublished();
        Assert.AreEqual(EventTypes.Sos, sos.Type);
        StringAssert.Contains(sos.Info, "escalated fall seq " + fallSeq);
        Assert.AreEqual(EventTypes.Sos, app.Alarms.ActiveAlarmType);
    }

    [TestMethod]
    public void SosWhileOffline_SurvivesRebootAndGoesOutWithOriginalId()
    {
        WearableApp app = StartedAndIdle();
        _link.IsConnected = false;
        PressLong(app);
        Assert.AreEqual(1, app.Outbox.AlarmCount);

        // Power cut: a new app over the same flash.
        _link.IsConnected = true;
        var rebooted = new WearableApp(new WearableOptions("pendant-0001"), Hardware());
        rebooted.Start();
        rebooted.Tick();

        DeviceEvent resent = LastPublished();
        Assert.AreEqual(EventTypes.Sos, resent.Type);
        Assert.AreEqual(1, resent.BootEpoch, "original boot epoch, not the new one");
        Assert.AreEqual(2, rebooted.BootEpoch);
    }

    [TestMethod]
    public void Start_InvalidOptions_ReturnsFalseAndShowsFault()
    {
        var app = new WearableApp(new WearableOptions("Bad Id!"), Hardware());

        Assert.IsFalse(app.Start());
        Assert.AreEqual(IndicatorPattern.Fault, _indicator.Last);
    }

    private WearableApp StartedAndIdle(int cancelWindowMs = 20_000)
    {
        WearableApp app = NewApp(cancelWindowMs: cancelWindowMs).StartAndReturn();
        app.Tick();
        _link.Complete(); // first heartbeat acknowledged
        return app;
    }

    private AppUnderTest NewApp(int heartbeatSeconds = 60, int cancelWindowMs = 20_000) =>
        new(new WearableApp(new WearableOptions("pendant-0001") { HeartbeatIntervalSeconds = heartbeatSeconds, CancelWindowMilliseconds = cancelWindowMs }, Hardware()));

    private WearableHardware Hardware() => new(_clock, _storage, _link, _button, _indicator, new FakeBattery());

    private void PressLong(WearableApp app)
    {
        _button.IsPressed = true;
        RunFor(app, 2_100);
        _button.IsPressed = false;
        RunFor(app, 100);
    }

    private void PressShort(WearableApp app)
    {
        _button.IsPressed = true;
        RunFor(app, 200);
        _button.IsPressed = false;
        RunFor(app, 100);
    }

    private void RunFor(WearableApp app, int milliseconds)
    {
        for (int t = 0; t < milliseconds; t += 10)
        {
            _clock.Advance(10);
            app.Tick();
        }
    }

    private DeviceEvent LastPublished() => EventCodec.Decode(_link.Published[^1].Payload).Event!;

    private sealed class AppUnderTest(WearableApp app)
    {
        public WearableApp StartAndReturn()
        {
            app.Start();
            return app;
        }
    }
}
