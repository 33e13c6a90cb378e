using System.Text;
using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Commands;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Power;
using Eldercare.Firmware.Tests.Fakes;

namespace Eldercare.Firmware.Tests.Power;

/// <summary>
/// The battery wearable's radio schedule on a fake clock (Core/Power/RadioSchedule through WearableApp): off between
/// sends, up at once for an alarm, held then polling for "help is coming", configuration at the next session.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class RadioScheduleTests
{
    private const string Device = "pendant-0001";
    private const int Period = RadioScheduleOptions.DefaultHeartbeatSeconds * 1000;
    private readonly FakeClock _clock = new();
    private readonly MemoryStorage _storage = new();
    private readonly FakeButton _button = new();
    private readonly FakeIndicator _indicator = new();
    private FakeSwitchedLink _link = null!;

    [TestInitialize]
    public void Setup() => _link = new FakeSwitchedLink(_clock);

    [TestMethod]
    public void BetweenSessions_TheRadioIsOff_AndEachSessionSendsOneHeartbeat()
    {
        // Arrange
        WearableApp app = Started();

        // Act
        RunFor(app, (4 * Period) - 10);

        // Assert
        Assert.AreEqual(4, app.Radio!.Sessions, "boot + one per heartbeat period");
        Assert.AreEqual(4, Types().Count(t => t == EventTypes.Heartbeat));
        Assert.AreEqual(4, _link.PowerUps);
        Assert.IsFalse(_link.Wanted, "off between sessions");
        long perSession = app.Radio.RadioOnMilliseconds / 4;
        Assert.IsLessThanOrEqualTo(RadioTimings.ConnectMilliseconds + new RadioScheduleOptions().LingerMilliseconds + 40, perSession, "connect + linger, then off");
        Assert.AreEqual(0, app.Outbox.Count);
    }

    [TestMethod]
    public void Sos_BringsTheRadioUpOnTheSameTick_AndIsSentOnceConnected()
    {
        // Arrange
        WearableApp app = Started();
        RunFor(app, 60_000);
        Assert.IsFalse(_link.Wanted);

        // Act
        _button.IsPressed = true;
        long raisedAt = RunUntil(app, () => _link.Wanted, 5_000);
        Assert.AreEqual(1, app.Outbox.AlarmCount, "the SOS is queued on the tick that wants the radio");
        RunUntil(app, () => Types().Contains(EventTypes.Sos), 5_000);

        // Assert
        Assert.IsGreaterThanOrEqualTo(2_000L, raisedAt - 60_000, "the long press is 2 s");
        long sentAt = _link.Published[^1].At;
        Assert.AreEqual(RadioTimings.ConnectMilliseconds, sentAt - raisedAt, 20, "sent as soon as the link is up");
        Assert.AreEqual(RadioSchedule.ReasonAlarm, app.Radio!.Reason);
    }

    [TestMethod]
    public void HelpComing_ArrivesWhileTheRadioIsHeld_ThenTheRadioGoesOff()
    {
        // Arrange
        WearableApp app = Started();
        RunFor(app, 10_000);
        DeviceEvent sos = PressSos(app);
        RunFor(app, 120_000);
        Assert.IsTrue(_link.Wanted, "held for the acknowledgement");
        Assert.AreEqual(RadioSchedule.ReasonAlarmHold, app.Radio!.Reason);

        // Act
        _link.Send(Topics.Commands(Device), CommandCodec.EncodeAck(sos.Id, 1_764_720_000_000, "center"));
        RunFor(app, 100);

        // Assert
        Assert.AreEqual(IndicatorPattern.HelpComing, _indicator.Last);
        Assert.IsFalse(_link.Wanted, "nothing more to wait for");
    }

    [TestMethod]
    public void NoAcknowledgement_HoldsThenPollsUntilTheBound_ThenOnlyTheSchedule()
    {
        // Arrange
        var options = new RadioScheduleOptions();
        WearableApp app = Started();
        RunFor(app, 10_000);
        PressSos(app);
        long delivered = _clock.UptimeMilliseconds;
        int sessionsBefore = app.Radio!.Sessions;

        // Act + Assert
        RunFor(app, (options.AlarmHoldSeconds * 1000) - 1_000);
        Assert.IsTrue(_link.Wanted, "held");
        RunFor(app, 5_000);
        Assert.IsFalse(_link.Wanted, "the hold is over");
        RunFor(app, (int)(delivered + (options.AlarmFollowSeconds * 1000L) + 10_000 - _clock.UptimeMilliseconds));
        int polls = app.Radio.Sessions - sessionsBefore - 2; // the scheduled sessions at 900 and 1800 s
        int expected = (options.AlarmFollowSeconds - options.AlarmHoldSeconds) / options.AlarmPollSeconds;
        Assert.AreEqual(expected, polls, 1, "a poll every " + options.AlarmPollSeconds + " s between hold and bound");
        int after = app.Radio.Sessions;
        RunFor(app, Period);
        Assert.AreEqual(after + 1, app.Radio.Sessions, "only the scheduled session once the bound passed");
    }

    [TestMethod]
    public void AcknowledgementKeptByTheGateway_ArrivesAtTheNextPoll()
    {
        // Arrange
        WearableApp app = Started();
        RunFor(app, 10_000);
        DeviceEvent sos = PressSos(app);
        RunFor(app, 310_000);
        Assert.IsFalse(_link.Wanted);

        // Act
        _link.Send(Topics.Commands(Device), CommandCodec.EncodeAck(sos.Id, 1_764_720_000_000, "center"));
        long sentAt = _clock.UptimeMilliseconds;
        Assert.AreNotEqual(IndicatorPattern.HelpComing, _indicator.Last, "the radio is off: kept by the gateway");
        long shownAt = RunUntil(app, () => _indicator.Last == IndicatorPattern.HelpComing, 120_000);

        // Assert
        Assert.IsLessThanOrEqualTo(new RadioScheduleOptions().AlarmPollSeconds * 1000L + RadioTimings.ConnectMilliseconds + 20, shownAt - sentAt);
    }

    [TestMethod]
    public void ConfigurationDownlink_IsAppliedAtTheNextScheduledSession_AndAnsweredInIt()
    {
        // Arrange
        WearableApp app = Started();
        RunFor(app, 60_000);
        var config = new DeviceConfig(2) { CancelSeconds = 30 };

        // Act
        _link.Send(Topics.Commands(Device), Encoding.UTF8.GetBytes(CommandCodec.EncodeConfigToString(config, 1_764_720_000_000, "platform")));
        RunFor(app, Period - 60_000 - 100);
        int before = app.Configuration.Version;
        RunFor(app, 10_000);

        // Assert
        Assert.AreNotEqual(2, before, "not before the session");
        Assert.AreEqual(2, app.Configuration.Version, "applied at the scheduled session");
        Assert.Contains(EventTypes.ConfigApplied, Types());
        Assert.IsFalse(_link.Wanted, "answered, then off");
        Assert.AreEqual(0, app.Outbox.Count);
    }

    [TestMethod]
    public void ConfigurationDownlink_LongerHeartbeat_TheNextSessionsHeartbeatReportsIt()
    {
        // Arrange: the boot session's heartbeat says 900 s; a config hb=3600 waits for the next session.
        WearableApp app = Started();
        RunFor(app, 60_000);
        _link.Send(Topics.Commands(Device), Encoding.UTF8.GetBytes(CommandCodec.EncodeConfigToString(new DeviceConfig(2) { HeartbeatSeconds = 3600 }, 1_764_720_000_000, "platform")));

        // Act: the session at 900 s (heartbeat first, then the downlink applied in it), then the next at 900 + 3600 s.
        RunFor(app, Period + (3600 * 1000L));

        // Assert
        CollectionAssert.AreEqual(new[] { 900, 900, 3600 }, HeartbeatPeriods());
        Assert.AreEqual(2, app.Configuration.Version);
    }

    [TestMethod]
    public void Alarm_WithTheGatewayUnreachable_KeepsTheRadioWanted_AndScheduledSessionsGiveUp()
    {
        // Arrange
        _link.GatewayReachable = false;
        WearableApp app = Started();
        RunFor(app, 120_000);
        Assert.IsFalse(_link.Wanted, "a session that cannot connect ends at its limit");
        Assert.AreEqual(1, app.Radio!.FailedSessions);

        // Act
        _button.IsPressed = true;
        RunFor(app, 2_200);
        _button.IsPressed = false;
        RunFor(app, 600_000);

        // Assert
        Assert.IsTrue(_link.Wanted, "an alarm keeps the radio up until the gateway has it");
        Assert.AreEqual(1, app.Outbox.AlarmCount);
    }

    [TestMethod]
    [DataRow(-1, 60, 1800, 1500, 60, 16)]
    [DataRow(300, 1, 1800, 1500, 60, 16)]
    [DataRow(300, 60, 100, 1500, 60, 16)]
    [DataRow(300, 60, 1800, -1, 60, 16)]
    [DataRow(300, 60, 1800, 1500, 1, 16)]
    [DataRow(300, 60, 1800, 1500, 60, 0)]
    public void Options_OutOfRange_AreRefusedWithAReason(int hold, int poll, int follow, int linger, int limit, int batch)
    {
        // Arrange
        var options = new RadioScheduleOptions { AlarmHoldSeconds = hold, AlarmPollSeconds = poll, AlarmFollowSeconds = follow, LingerMilliseconds = linger, SessionLimitSeconds = limit, BatchLimit = batch };

        // Act
        string? problem = new WearableOptions(Device) { RadioSchedule = options }.Validate();

        // Assert
        Assert.IsNotNull(problem);
        Assert.IsNull(new WearableOptions(Device) { RadioSchedule = new RadioScheduleOptions() }.Validate());
    }

    private WearableApp Started()
    {
        var hardware = new WearableHardware(_clock, _storage, _link, _button, _indicator, new FakeBattery()) { RadioPower = _link };
        var options = new WearableOptions(Device) { HeartbeatIntervalSeconds = RadioScheduleOptions.DefaultHeartbeatSeconds, RadioSchedule = new RadioScheduleOptions() };
        var app = new WearableApp(options, hardware);
        Assert.IsTrue(app.Start());
        RunFor(app, 10);
        return app;
    }

    private DeviceEvent PressSos(WearableApp app)
    {
        _button.IsPressed = true;
        RunFor(app, 2_100);
        _button.IsPressed = false;
        RunUntil(app, () => app.Outbox.Count == 0, 10_000);
        DeviceEvent sos = EventCodec.Decode(_link.Published[^1].Payload).Event!;
        Assert.AreEqual(EventTypes.Sos, sos.Type);
        return sos;
    }

    private int[] HeartbeatPeriods() =>
        _link.Published.Select(p => EventCodec.Decode(p.Payload).Event!).Where(e => e.Type == EventTypes.Heartbeat).Select(e => e.HeartbeatSeconds).ToArray();

    private List<string> Types() => _link.Published.Select(p => EventCodec.Decode(p.Payload).Event!.Type).ToList();

    private void RunFor(WearableApp app, long milliseconds)
    {
        for (long t = 0; t < milliseconds; t += 10)
        {
            _clock.Advance(10);
            app.Tick();
            _link.Step();
        }
    }

    /// <returns>the uptime when the condition first held</returns>
    private long RunUntil(WearableApp app, Func<bool> condition, long limitMilliseconds)
    {
        for (long t = 0; t < limitMilliseconds; t += 10)
        {
            if (condition())
            {
                return _clock.UptimeMilliseconds;
            }

            _clock.Advance(10);
            app.Tick();
            _link.Step();
        }

        Assert.Fail("condition not met within " + limitMilliseconds + " ms");
        return -1;
    }
}
