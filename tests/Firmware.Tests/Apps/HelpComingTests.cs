using System.Text;
using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Commands;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Tests.Fakes;

namespace Eldercare.Firmware.Tests.Apps;

/// <summary>"Help is coming": a person's acknowledgement comes back on the command topic; until then the elder is reminded.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class HelpComingTests
{
    private const string Device = "pendant-0001";
    private readonly FakeClock _clock = new();
    private readonly MemoryStorage _storage = new();
    private readonly FakeMqttLink _link = new();
    private readonly FakeButton _button = new();
    private readonly FakeIndicator _indicator = new();

    [TestMethod]
    public void Acknowledgement_OfTheActiveSos_ShowsHelpComingAfterReceived()
    {
        WearableApp app = Started();
        DeviceEvent sos = RaiseSos(app);
        _link.Complete();

        Acknowledge(sos.Id);

        CollectionAssert.AreEqual(new[] { IndicatorPattern.AlarmRaised, IndicatorPattern.AlarmReceived, IndicatorPattern.HelpComing }, _indicator.Shown);
        Assert.IsTrue(app.Alarms.HelpComing);
        Assert.AreEqual(0, app.CommandsRejected);
    }

    [TestMethod]
    public void NoAcknowledgement_RemindsEveryInterval_UntilOneArrives()
    {
        WearableApp app = Started(reminderSeconds: 30);
        DeviceEvent sos = RaiseSos(app);
        _link.Complete();

        RunFor(app, 29_000);
        Assert.AreEqual(0, app.Alarms.RemindersShown, "not before the interval");
        RunFor(app, 62_000);
        Assert.AreEqual(3, app.Alarms.RemindersShown, "at ~30, 60 and 90 s after the alarm");
        Assert.AreEqual(IndicatorPattern.StillWaiting, _indicator.Last);

        Acknowledge(sos.Id);
        RunFor(app, 120_000);
        Assert.AreEqual(3, app.Alarms.RemindersShown, "no reminder once help is coming");
        Assert.AreEqual(IndicatorPattern.HelpComing, _indicator.Last);
    }

    [TestMethod]
    public void AcknowledgementBeforeThePubAck_IsNotOverwrittenByReceived()
    {
        WearableApp app = Started();
        DeviceEvent sos = RaiseSos(app);

        Acknowledge(sos.Id);
        _link.Complete();

        Assert.AreEqual(IndicatorPattern.HelpComing, _indicator.Last, "a person saw it: 'received' would be a step back");
    }

    [TestMethod]
    public void SecondAcknowledgement_IsHarmless()
    {
        WearableApp app = Started();
        DeviceEvent sos = RaiseSos(app);
        _link.Complete();

        Acknowledge(sos.Id);
        Acknowledge(sos.Id);

        Assert.IsTrue(app.Alarms.HelpComing);
        Assert.AreEqual(0, app.CommandsRejected);
        Assert.AreEqual(0, app.Alarms.StaleAcknowledgements);
        Assert.AreEqual(2, _link.Published.Count, "heartbeat and SOS only: a command never makes an event");
    }

    [TestMethod]
    public void AcknowledgingTheFall_CoversTheSosThatEscalatedIt()
    {
        WearableApp app = Started();
        app.ReportFall(900, "test");
        RunFor(app, 20);
        DeviceEvent fall = LastPublished();
        Assert.AreEqual(EventTypes.Fall, fall.Type);
        _link.Complete();
        RaiseSos(app);
        _link.Complete();

        Acknowledge(fall.Id);

        Assert.IsTrue(app.Alarms.HelpComing, "one episode: the operator saw the fall, the elder pressed SOS too");
    }

    [TestMethod]
    public void AcknowledgementOfACancelledAlarm_IsStaleAndShowsNothing()
    {
        WearableApp app = Started();
        DeviceEvent sos = RaiseSos(app);
        _link.Complete();
        PressShort(app);
        _link.Complete();
        int shown = _indicator.Shown.Count;

        Acknowledge(sos.Id);

        Assert.AreEqual(shown, _indicator.Shown.Count);
        Assert.AreEqual(1, app.Alarms.StaleAcknowledgements);
        RunFor(app, 200_000);
        Assert.AreEqual(0, app.Alarms.RemindersShown, "a cancelled alarm does not remind");
    }

    [TestMethod]
    public void AcknowledgementOfAnotherBoot_IsStale()
    {
        WearableApp app = Started();
        DeviceEvent sos = RaiseSos(app);
        _link.Complete();

        Acknowledge(DeviceEvent.MakeId(Device, app.BootEpoch + 1, sos.Sequence));

        Assert.IsFalse(app.Alarms.HelpComing);
        Assert.AreEqual(1, app.Alarms.StaleAcknowledgements);
    }

    [TestMethod]
    public void AfterHelpComing_ANewAlarmStartsANewEpisode()
    {
        WearableApp app = Started(reminderSeconds: 10);
        DeviceEvent first = RaiseSos(app);
        _link.Complete();
        Acknowledge(first.Id);
        RunFor(app, 30_000);
        RaiseSos(app);
        _link.Complete();

        Acknowledge(first.Id);

        Assert.IsFalse(app.Alarms.HelpComing, "the old acknowledgement does not cover a new alarm");
        RunFor(app, 10_100);
        Assert.AreEqual(IndicatorPattern.StillWaiting, _indicator.Last);
    }

    [TestMethod]
    public void AfterAReboot_TheSosThatStillWaited_KeepsRemindingAndItsAcknowledgementShowsHelpComing()
    {
        WearableApp before = Started(reminderSeconds: 30);
        DeviceEvent sos = RaiseSos(before);
        _link.Complete();

        var indicator = new FakeIndicator();
        WearableApp after = Started(reminderSeconds: 30, indicator);
        Assert.IsTrue(after.Alarms.EarlierBootAlarmWaiting);
        RunFor(after, 31_000);
        Assert.AreEqual(IndicatorPattern.StillWaiting, indicator.Last, "the elder is told the alarm still waits");

        Acknowledge(sos.Id);

        Assert.AreEqual(IndicatorPattern.HelpComing, indicator.Last);
        Assert.IsFalse(after.Alarms.EarlierBootAlarmWaiting);
        int shown = indicator.Shown.Count;
        RunFor(after, 120_000);
        Assert.AreEqual(shown, indicator.Shown.Count, "no reminder once help is coming");
        Assert.IsFalse(Started(indicator: new FakeIndicator()).Alarms.EarlierBootAlarmWaiting, "and nothing waits after the next reboot");
    }

    [TestMethod]
    [DataRow(true, DisplayName = "cancelled")]
    [DataRow(false, DisplayName = "acknowledged")]
    public void AfterAReboot_AnAlarmThatNoLongerWaited_IsNotBack(bool cancel)
    {
        WearableApp before = Started();
        DeviceEvent sos = RaiseSos(before);
        _link.Complete();
        if (cancel)
        {
            PressShort(before);
        }
        else
        {
            Acknowledge(sos.Id);
        }

        WearableApp after = Started(indicator: new FakeIndicator());

        Assert.IsFalse(after.Alarms.EarlierBootAlarmWaiting);
    }

    [TestMethod]
    public void AfterAReboot_ANewAlarmReplacesTheOneThatWaited()
    {
        WearableApp before = Started();
        DeviceEvent old = RaiseSos(before);
        _link.Complete();
        WearableApp after = Started(indicator: new FakeIndicator());

        RaiseSos(after);
        _link.Complete();
        Acknowledge(old.Id);

        Assert.IsFalse(after.Alarms.EarlierBootAlarmWaiting);
        Assert.IsFalse(after.Alarms.HelpComing, "the old acknowledgement does not cover the new alarm");
        Assert.AreEqual(1, after.Alarms.StaleAcknowledgements);
    }

    [TestMethod]
    [DataRow("eldercare/v1/devices/pendant-0002/commands", "{\"v\":1,\"cmd\":\"ack\",\"ref\":\"pendant-0001:1:2\",\"ts\":1}", "topic_not_allowed")]
    [DataRow("eldercare/v1/devices/pendant-0001/commands", "{\"v\":1,\"cmd\":\"ack\",\"ref\":\"pendant-0002:1:2\",\"ts\":1}", "device_mismatch")]
    [DataRow("eldercare/v1/devices/pendant-0001/commands", "{\"v\":1,\"cmd\":\"reboot\",\"ref\":\"pendant-0001:1:2\",\"ts\":1}", "unknown_type")]
    [DataRow("eldercare/v1/devices/pendant-0001/commands", "\u0000\u00ff garbage", "malformed_json")]
    [DataRow("eldercare/v1/devices/pendant-0001/commands", "", "malformed_json")]
    public void BadDownlink_IsCountedWithItsReason_AndChangesNothing(string topic, string payload, string reason)
    {
        WearableApp app = Started();
        RaiseSos(app);
        _link.Complete();
        int shown = _indicator.Shown.Count;

        _link.Deliver(topic, Encoding.UTF8.GetBytes(payload));

        Assert.AreEqual(1, app.CommandsRejected);
        StringAssert.StartsWith(app.LastCommandRejection, reason + ":");
        Assert.AreEqual(shown, _indicator.Shown.Count);
        Assert.IsFalse(app.Alarms.HelpComing);
    }

    private WearableApp Started(int reminderSeconds = 60, FakeIndicator? indicator = null)
    {
        var app = new WearableApp(new WearableOptions(Device) { HelpReminderSeconds = reminderSeconds }, new WearableHardware(_clock, _storage, _link, _button, indicator ?? _indicator, new FakeBattery()));
        app.Start();
        app.Tick();
        _link.Complete(); // first heartbeat
        return app;
    }

    private DeviceEvent RaiseSos(WearableApp app)
    {
        _button.IsPressed = true;
        RunFor(app, 2_100);
        _button.IsPressed = false;
        RunFor(app, 100);
        return LastPublished();
    }

    private void PressShort(WearableApp app)
    {
        _button.IsPressed = true;
        RunFor(app, 200);
        _button.IsPressed = false;
        RunFor(app, 100);
    }

    private void Acknowledge(string eventId) =>
        _link.Deliver(Topics.Commands(Device), CommandCodec.EncodeAck(eventId, 1_764_720_000_000, "center"));

    private void RunFor(WearableApp app, int milliseconds)
    {
        for (int t = 0; t < milliseconds; t += 10)
        {
            _clock.Advance(10);
            app.Tick();
        }
    }

    private DeviceEvent LastPublished() => EventCodec.Decode(_link.Published[^1].Payload).Event!;
}
