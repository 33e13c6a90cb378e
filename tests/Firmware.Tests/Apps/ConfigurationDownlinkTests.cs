using System.Text;
using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Commands;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Geofence;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Kiosk;
using Eldercare.Firmware.Tests.Fakes;

namespace Eldercare.Firmware.Tests.Apps;

/// <summary>
/// Configuration downlinks on the device: versioned, checked against what the device has, applied without a reboot,
/// kept across reboots, and every outcome reported to the platform as an event.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ConfigurationDownlinkTests
{
    private const string Watch = "watch-0001";
    private readonly FakeClock _clock = new();
    private readonly MemoryStorage _storage = new();
    private readonly FakeMqttLink _link = new();

    [TestMethod]
    public void Config_Applied_WithoutAReboot_AndReportedWithItsVersion()
    {
        WearableApp app = StartedWatch();

        Send(Watch, new DeviceConfig(3) { CancelSeconds = 10, ReminderSeconds = 20, WakingHours = "08:00-20:00", InactivityMinutes = 60, LowBatteryPercent = 15 });
        Run(app, 100);

        DeviceEvent report = Reports().Single();
        Assert.AreEqual((EventTypes.ConfigApplied, 3, EventTypes.ServiceLane), (report.Type, report.ReferenceSequence, EventTypes.LaneOf(report.Type)));
        Assert.AreEqual(3, app.Configuration.Version);
        Assert.AreEqual("08:00-20:00", app.Wellness!.Monitor.WakingHours.Describe());
        Assert.AreEqual(60, app.Wellness.Monitor.PeriodMinutes);
        Assert.AreEqual(15, _options!.Battery.LowPercent);
        Assert.AreEqual((10_000, 20), (_options.CancelWindowMilliseconds, _options.HelpReminderSeconds));
    }

    [TestMethod]
    public void Config_ShorterHeartbeat_TakesEffectAtOnce()
    {
        WearableApp app = StartedWatch();
        Run(app, 1_000);
        int before = Heartbeats();

        Send(Watch, new DeviceConfig(1) { HeartbeatSeconds = 10 });
        Run(app, 60_500);

        Assert.AreEqual(before + 6, Heartbeats(), "every 10 s instead of the default 60 s");
    }

    [TestMethod]
    public void Config_LongerHeartbeat_TheNextHeartbeatReportsIt()
    {
        WearableApp app = StartedWatch();
        Run(app, 1_000);
        Assert.AreEqual(60, HeartbeatPeriods().Single(), "the boot heartbeat reports the period in force");

        Send(Watch, new DeviceConfig(1) { HeartbeatSeconds = 3600 });
        Run(app, 100);
        Assert.AreEqual(EventTypes.ConfigApplied, Reports().Single().Type);
        Run(app, 60_000);

        CollectionAssert.AreEqual(new[] { 60, 3600 }, HeartbeatPeriods(), "the heartbeat due after the config says 3600 s");
    }

    [TestMethod]
    public void Kiosk_Heartbeat_ReportsTheConfiguredPeriod()
    {
        var options = new KioskOptions("kiosk-01");
        var app = new KioskApp(options, new KioskHardware(_clock, _storage, _link, new FakeButton(), new FakeButton[] { new(), new(), new(), new(), new(), new() }, new FakeCardReader(), new FakeKioskDisplay(), new FakeIndicator()));
        app.Start();
        TickKiosk(app, 100);

        Send("kiosk-01", new DeviceConfig(1) { HeartbeatSeconds = 600 });
        TickKiosk(app, 60_000);

        CollectionAssert.AreEqual(new[] { 60, 600 }, HeartbeatPeriods());
    }

    [TestMethod]
    public void Config_KeptAcrossAReboot_WithTheEarlierVersionsSettings()
    {
        WearableApp app = StartedWatch();
        Send(Watch, new DeviceConfig(1) { HeartbeatSeconds = 30, Zones = "c,37.5123,122.1201,250" });
        Run(app, 100);
        Send(Watch, new DeviceConfig(2) { InactivityMinutes = 90 });
        Run(app, 100);
        _link.Published.Clear();

        WearableApp rebooted = StartedWatch();

        Assert.AreEqual(2, rebooted.Configuration.Version);
        Assert.AreEqual((30, 90), (_options!.HeartbeatIntervalSeconds, _options.Wellness.InactivityMinutes));
        Assert.AreEqual(250f, ((CircleZone)_options.Geofence.ZoneAt(0)).RadiusMetres);
        Assert.IsEmpty(Reports(), "a boot applies what was kept; nothing new to report");
    }

    [TestMethod]
    public void Config_NewZones_ReplaceTheOldOnes()
    {
        WearableApp app = StartedWatch();

        Send(Watch, new DeviceConfig(1) { Zones = "c,37.5,122.1,300;p,37.51,122.12,37.52,122.12,37.52,122.13" });
        Run(app, 100);

        Assert.AreEqual(2, _options!.Geofence.ZoneCount);
        Assert.AreEqual("zone2", _options.Geofence.ZoneAt(1).Name);
        Assert.AreEqual(EventTypes.ConfigApplied, Reports().Single().Type);
    }

    [TestMethod]
    [DataRow("zones", "no geofence", DisplayName = "zones on a pendant without GNSS")]
    [DataRow("session", "only a kiosk", DisplayName = "a kiosk's setting")]
    [DataRow("idle", "InactivityMinutes must be 1..720", DisplayName = "idle 0")]
    [DataRow("hb", "hb must be 10..3600", DisplayName = "heartbeat of 5 s")]
    [DataRow("radius", "radius must be 100..2000", DisplayName = "a 50 m zone")]
    [DataRow("notworn", "NotWornAfterSeconds must be", DisplayName = "period shorter than the not-worn time")]
    public void Config_TheDeviceCannotRun_RejectedWithTheReason_AndNothingChanges(string what, string reason)
    {
        WearableApp app = what == "zones" ? StartedPendantWithoutGnss() : StartedWatch();
        int heartbeat = _options!.HeartbeatIntervalSeconds;
        var config = what switch
        {
            "zones" => new DeviceConfig(4) { Zones = "c,37.5,122.1,150" },
            "session" => new DeviceConfig(4) { SessionSeconds = 30 },
            "idle" => new DeviceConfig(4) { InactivityMinutes = 0 },
            "hb" => new DeviceConfig(4) { HeartbeatSeconds = 5 },
            "radius" => new DeviceConfig(4) { Zones = "c,37.5,122.1,50" },
            _ => new DeviceConfig(4) { InactivityMinutes = 20, HeartbeatSeconds = 20 },
        };

        Send(app.DeviceId, config);
        Run(app, 100);

        DeviceEvent report = Reports().Single();
        Assert.AreEqual((EventTypes.ConfigRejected, 4), (report.Type, report.ReferenceSequence));
        StringAssert.Contains(report.Info, reason);
        Assert.AreEqual(0, app.Configuration.Version);
        Assert.AreEqual(heartbeat, _options.HeartbeatIntervalSeconds, "a refused configuration changes nothing, not even its valid part");
        Assert.IsFalse(_storage.TryRead(ConfigurationKeeper.BlobName, out _), "nothing kept");
    }

    [TestMethod]
    public void Config_SameVersionAgain_IgnoredSilently_OlderVersion_RejectedAsStale()
    {
        WearableApp app = StartedWatch();
        Send(Watch, new DeviceConfig(5) { HeartbeatSeconds = 30 });
        Run(app, 100);

        Send(Watch, new DeviceConfig(5) { HeartbeatSeconds = 30 });
        Send(Watch, new DeviceConfig(4) { HeartbeatSeconds = 40 });
        Run(app, 100);

        CollectionAssert.AreEqual(new[] { EventTypes.ConfigApplied, EventTypes.ConfigRejected }, Reports().Select(r => r.Type).ToArray());
        StringAssert.StartsWith(Reports()[1].Info, "stale");
        Assert.AreEqual((1, 30), (app.Configuration.Duplicates, _options!.HeartbeatIntervalSeconds));
    }

    [TestMethod]
    public void Config_FlashWriteFails_RejectedAndNotApplied()
    {
        WearableApp app = StartedWatch();
        _storage.FailWrites = true;

        Send(Watch, new DeviceConfig(1) { HeartbeatSeconds = 30 });
        Run(app, 100);

        // The report cannot be kept either on a flash that refuses writes: the counter and the reason say it.
        Assert.AreEqual(1, app.Configuration.Rejected);
        StringAssert.Contains(app.Configuration.LastRejection, "flash");
        Assert.AreEqual((0, 60), (app.Configuration.Version, _options!.HeartbeatIntervalSeconds));
    }

    [TestMethod]
    public void Config_KeptBlobCorrupt_DefaultsRunAndTheReasonIsKept()
    {
        _storage.TryWrite(ConfigurationKeeper.BlobName, Encoding.UTF8.GetBytes("{\"v\":1,\"cmd\":\"config\",\"ts\":0,\"ver\":"));

        WearableApp app = StartedWatch();

        Assert.AreEqual(0, app.Configuration.Version);
        StringAssert.StartsWith(app.Configuration.LastRejection, "kept configuration unusable");
        Assert.AreEqual(60, _options!.HeartbeatIntervalSeconds);
    }

    [TestMethod]
    public void Config_OnAnotherDevicesTopic_RefusedByTheInbox()
    {
        WearableApp app = StartedWatch();

        _link.Deliver(Topics.Commands("watch-0002"), Encoding.UTF8.GetBytes(CommandCodec.EncodeConfigToString(new DeviceConfig(1) { HeartbeatSeconds = 30 }, 1, null)));
        Run(app, 100);

        Assert.AreEqual(1, app.CommandsRejected);
        Assert.AreEqual(0, app.Configuration.Version);
        Assert.IsEmpty(Reports());
    }

    [TestMethod]
    public void Kiosk_SessionAndHeartbeat_Applied_WearableSettingsRejected()
    {
        var options = new KioskOptions("kiosk-01") { HeartbeatIntervalSeconds = 3600 };
        var app = new KioskApp(options, new KioskHardware(_clock, _storage, _link, new FakeButton(), new FakeButton[] { new(), new(), new(), new(), new(), new() }, new FakeCardReader(), new FakeKioskDisplay(), new FakeIndicator()));
        app.Start();

        Send("kiosk-01", new DeviceConfig(1) { SessionSeconds = 90, HeartbeatSeconds = 120 });
        Send("kiosk-01", new DeviceConfig(2) { Zones = "c,37.5,122.1,150" });
        for (int i = 0; i < 5; i++)
        {
            _clock.Advance(20);
            app.Tick();
            _link.Complete();
        }

        CollectionAssert.AreEqual(new[] { EventTypes.ConfigApplied, EventTypes.ConfigRejected }, Reports().Select(r => r.Type).ToArray());
        Assert.AreEqual((90, 120, 1), (options.SessionSeconds, options.HeartbeatIntervalSeconds, app.Configuration.Version));
    }

    private WearableOptions? _options;

    private WearableApp StartedWatch()
    {
        var geofence = new GeofenceOptions();
        geofence.AddZone(new CircleZone("home", 375123000, 1221201000, 150f));
        _options = new WearableOptions(Watch) { Placement = "wrist", Geofence = geofence };
        var hardware = new WearableHardware(_clock, _storage, _link, new FakeButton(), new FakeIndicator(), new FakeBattery())
        {
            Accelerometer = new ScriptedAccelerometer([[0f, 0f, 1f]]),
            Gnss = new SilentGnss(),
        };
        var app = new WearableApp(_options, hardware);
        Assert.IsTrue(app.Start());
        return app;
    }

    private WearableApp StartedPendantWithoutGnss()
    {
        _options = new WearableOptions("pendant-0001");
        var app = new WearableApp(_options, new WearableHardware(_clock, _storage, _link, new FakeButton(), new FakeIndicator(), new FakeBattery()));
        Assert.IsTrue(app.Start());
        return app;
    }

    private void Send(string device, DeviceConfig config) =>
        _link.Deliver(Topics.Commands(device), Encoding.UTF8.GetBytes(CommandCodec.EncodeConfigToString(config, 1_764_720_000_000, "platform")));

    private void Run(WearableApp app, int milliseconds)
    {
        for (int t = 0; t < milliseconds; t += 20)
        {
            _clock.Advance(20);
            app.Tick();
            if (_link.Published.Count > 0)
            {
                _link.Complete();
            }
        }
    }

    private List<DeviceEvent> Reports() =>
        _link.Published.Select(p => EventCodec.Decode(p.Payload).Event!).Where(e => e.Type is EventTypes.ConfigApplied or EventTypes.ConfigRejected).ToList();

    private void TickKiosk(KioskApp app, int milliseconds)
    {
        for (int t = 0; t < milliseconds; t += 20)
        {
            _clock.Advance(20);
            app.Tick();
            if (_link.Published.Count > 0)
            {
                _link.Complete();
            }
        }
    }

    private int[] HeartbeatPeriods() =>
        _link.Published.Select(p => EventCodec.Decode(p.Payload).Event!).Where(e => e.Type == EventTypes.Heartbeat).Select(e => e.HeartbeatSeconds).ToArray();

    private int Heartbeats() => _link.Published.Count(p => EventCodec.Decode(p.Payload).Event!.Type == EventTypes.Heartbeat);

    private sealed class SilentGnss : IGnssReceiver
    {
        public int Read(byte[] buffer, int offset, int count) => 0;
    }
}
