using Eldercare.Edge.Gateway.Health;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Eldercare.Edge.Tests.Health;

/// <summary>
/// <see cref="DeviceHealthMonitor"/> on a fake clock, its passes run by hand, its state in a real <c>health.db</c>
/// (a restart = a new monitor on the same directory). Defaults: heartbeat 60 s x 3, start-up grace 120 s, lost
/// connection grace 30 s.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class DeviceOfflineMonitorTests : IDisposable
{
    private const string Gateway = "gw-07";
    private const string Device = "pendant-0001";
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-03T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly TempDirectory _directory = new("device-health");
    private readonly RecordingAppender _appender = new();
    private readonly HashSet<string> _registry = [Device, "watch-0002"];
    private readonly GatewayMetrics _metrics = new();
    private readonly List<HealthStateStore> _stores = [];

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [TestMethod]
    public async Task Check_ThreeMissedHeartbeats_OneOfflineAlarm()
    {
        var monitor = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 0 });
        monitor.Connected(Device);
        monitor.EventReceived(Device);

        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(179));
        Assert.AreEqual(0, _appender.Stored.Count, "2 min 59 s of silence is under 3 heartbeats");
        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(1));
        for (var i = 0; i < 10; i++)
        {
            await AdvanceAndCheck(monitor, TimeSpan.FromMinutes(1));
        }

        var alarm = _appender.Stored.Single();
        var decoded = Decode(alarm);
        Assert.AreEqual(EventTypes.DeviceOffline, alarm.Type);
        Assert.AreEqual(EventTypes.AlarmLane, alarm.Lane);
        Assert.AreEqual(Gateway, alarm.DeviceId);
        Assert.AreEqual(Device, decoded.Subject);
        Assert.AreEqual($"{Gateway}:{alarm.BootEpoch}:{alarm.Sequence}", alarm.Id);
        StringAssert.Contains(decoded.Info, "reason=heartbeat_timeout;silent=180s");
        Assert.AreEqual(1, monitor.OfflineCount);
        Assert.AreEqual(1, _metrics.DeviceOfflineRaised);
    }

    [TestMethod]
    public async Task Check_ConnectionLostAndNotBack_OfflineAlarmAfterTheGrace()
    {
        var monitor = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 0 });
        monitor.Connected(Device);
        monitor.EventReceived(Device);
        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(10));
        monitor.ConnectionLost(Device);

        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(29));
        Assert.AreEqual(0, _appender.Stored.Count);
        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(1));

        StringAssert.Contains(Decode(_appender.Stored.Single()).Info, "reason=last_will");
    }

    [TestMethod]
    public async Task Check_ReconnectWithinTheGrace_NoAlarm()
    {
        var monitor = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 0 });
        monitor.Connected(Device);
        monitor.EventReceived(Device);
        monitor.ConnectionLost(Device);

        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(20));
        monitor.Connected(Device);
        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(40));
        monitor.EventReceived(Device);
        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(170));

        Assert.AreEqual(0, _appender.Stored.Count);
    }

    [TestMethod]
    public async Task Check_CleanDisconnect_NoLastWill_OnlyTheHeartbeatTimeout()
    {
        var monitor = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 0 });
        monitor.Connected(Device);
        monitor.EventReceived(Device);
        monitor.Disconnected(Device);

        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(179));
        Assert.AreEqual(0, _appender.Stored.Count, "DISCONNECT: no will, so not after the 30 s grace");
        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(1));

        StringAssert.Contains(Decode(_appender.Stored.Single()).Info, "reason=heartbeat_timeout");
    }

    [TestMethod]
    public async Task Restart_DevicesBackWithinTheStartupGrace_NoAlarm()
    {
        var first = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 120 });
        first.Connected(Device);
        first.EventReceived(Device);
        first.EventReceived("watch-0002");
        await first.SaveLastSeenAsync(CancellationToken.None);

        // The gateway is down 10 minutes: longer than 3 heartbeats, so without the grace both would alarm at once.
        _time.Advance(TimeSpan.FromMinutes(10));
        var second = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 120 });
        await AdvanceAndCheck(second, TimeSpan.FromSeconds(30));
        second.Connected(Device);
        second.ConnectionLost("watch-0002");
        await AdvanceAndCheck(second, TimeSpan.FromSeconds(20));
        second.Connected("watch-0002");
        second.EventReceived(Device);
        await AdvanceAndCheck(second, TimeSpan.FromSeconds(60));
        second.EventReceived("watch-0002");
        await AdvanceAndCheck(second, TimeSpan.FromSeconds(60));

        Assert.AreEqual(0, _appender.Stored.Count);
    }

    [TestMethod]
    public async Task Restart_DeviceStaysAway_OfflineAlarmWhenTheStartupGraceEnds()
    {
        var first = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 120 });
        first.Connected(Device);
        first.EventReceived(Device);
        await first.SaveLastSeenAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(10));

        var second = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 120 });
        await AdvanceAndCheck(second, TimeSpan.FromSeconds(119));
        Assert.AreEqual(0, _appender.Stored.Count);
        await AdvanceAndCheck(second, TimeSpan.FromSeconds(1));

        var alarm = _appender.Stored.Single();
        Assert.AreEqual(Device, Decode(alarm).Subject);
        Assert.AreEqual(2, alarm.BootEpoch, "the second run's boot epoch");
    }

    [TestMethod]
    public async Task Restart_OfflineTimerKeepsRunning_AlarmWhenItsSilenceEnds()
    {
        // Heard 60 s before the stop, back up after 30 s: its 180 s end 90 s after the restart, inside no grace of 0.
        var first = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 0 });
        first.EventReceived(Device);
        _time.Advance(TimeSpan.FromSeconds(60));
        await first.SaveLastSeenAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(30));

        var second = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 0 });
        await AdvanceAndCheck(second, TimeSpan.FromSeconds(89));
        Assert.AreEqual(0, _appender.Stored.Count);
        await AdvanceAndCheck(second, TimeSpan.FromSeconds(1));

        Assert.AreEqual(1, _appender.Stored.Count);
    }

    [TestMethod]
    public async Task EventReceived_AfterTheAlarm_OnlineClearsIt_AndTheNextOutageAlarmsAgain()
    {
        var monitor = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 0 });
        monitor.EventReceived(Device);
        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(180));
        var alarm = _appender.Stored.Single();

        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(100));
        monitor.Connected(Device);
        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(1));
        Assert.AreEqual(1, _appender.Stored.Count, "a reconnect alone does not clear it: an event does");
        monitor.EventReceived(Device);
        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(1));

        var online = _appender.Stored[1];
        var decoded = Decode(online);
        Assert.AreEqual(EventTypes.DeviceOnline, online.Type);
        Assert.AreEqual(EventTypes.AlarmLane, online.Lane);
        Assert.AreEqual(Device, decoded.Subject);
        Assert.AreEqual(alarm.Sequence, decoded.ReferenceSequence);
        Assert.AreEqual(alarm.BootEpoch, online.BootEpoch);
        Assert.AreEqual(0, monitor.OfflineCount);
        Assert.AreEqual(1, _metrics.DeviceOfflineCleared);

        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(180));
        Assert.AreEqual(3, _appender.Stored.Count, "a second outage is a second alarm");
        Assert.AreEqual(EventTypes.DeviceOffline, _appender.Stored[2].Type);
        Assert.AreEqual(3, _appender.Stored.Select(r => r.Id).Distinct().Count());
    }

    [TestMethod]
    public async Task Restart_AlarmOpenAcrossIt_OnlineRefersToTheAlarmInItsBoot()
    {
        var first = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 0 });
        first.EventReceived(Device);
        await AdvanceAndCheck(first, TimeSpan.FromSeconds(180));
        var alarm = _appender.Stored.Single();

        var second = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 0 });
        Assert.AreEqual(1, second.OfflineCount, "the open alarm survives the restart");
        await AdvanceAndCheck(second, TimeSpan.FromMinutes(10));
        Assert.AreEqual(1, _appender.Stored.Count, "still one alarm for the outage");
        second.EventReceived(Device);
        await AdvanceAndCheck(second, TimeSpan.FromSeconds(1));

        var online = _appender.Stored[1];
        Assert.AreEqual(alarm.BootEpoch, online.BootEpoch);
        Assert.AreEqual(alarm.Sequence, Decode(online).ReferenceSequence);
        Assert.AreNotEqual(alarm.Id, online.Id);
    }

    [TestMethod]
    public async Task Check_DeviceRemovedFromTheRegistry_NothingRaised()
    {
        var monitor = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 0 });
        monitor.EventReceived(Device);
        monitor.EventReceived("watch-0002");
        _registry.Remove(Device);

        await AdvanceAndCheck(monitor, TimeSpan.FromMinutes(30));

        Assert.AreEqual("watch-0002", Decode(_appender.Stored.Single()).Subject);
    }

    [TestMethod]
    public async Task Check_AlarmedDeviceRemoved_NoOnlineAndNotCountedOffline()
    {
        var monitor = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 0 });
        monitor.EventReceived(Device);
        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(180));
        _registry.Remove(Device);

        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(1));

        Assert.AreEqual(0, monitor.OfflineCount);
        Assert.AreEqual(0, Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 120 }).OfflineCount, "forgotten on disk too");
    }

    [TestMethod]
    public async Task Check_AppendFails_KeptAndAppendedLaterWithTheSamePayload()
    {
        var monitor = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 0 });
        monitor.EventReceived(Device);
        _appender.Failing = true;
        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(180));
        Assert.AreEqual(0, _appender.Stored.Count);
        Assert.AreEqual(1, monitor.Waiting);
        Assert.AreEqual(1, _metrics.GatewayEventAppendFailures);

        _appender.Failing = false;
        await AdvanceAndCheck(monitor, TimeSpan.FromSeconds(1));

        Assert.AreEqual(1, _appender.Stored.Count);
        Assert.AreEqual(0, monitor.Waiting);
        Assert.AreEqual(1, _metrics.DeviceOfflineRaised, "one alarm, appended on the second try");
    }

    [TestMethod]
    public async Task Restart_AlarmKeptButNotAppended_AppendedAtTheNextStartOnce()
    {
        var first = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 0 });
        first.EventReceived(Device);
        _appender.Failing = true;
        await AdvanceAndCheck(first, TimeSpan.FromSeconds(180));
        _appender.Failing = false;

        var second = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 120 });
        await second.CheckAsync(CancellationToken.None);
        var third = Open(new DeviceHealthOptions { HeartbeatIntervalSeconds = 60, StartupGraceSeconds = 120 });
        await third.CheckAsync(CancellationToken.None);

        var alarm = _appender.Stored.Single();
        Assert.AreEqual(1, alarm.BootEpoch, "the payload kept in the first run");
        Assert.AreEqual(Device, Decode(alarm).Subject);
    }

    private DeviceHealthMonitor Open(DeviceHealthOptions options)
    {
        var state = HealthStateStore.Open(_directory.Path);
        _stores.Add(state);
        var writer = new GatewayEventWriter(Gateway, state, _appender, _metrics, NullLogger.Instance);
        return new DeviceHealthMonitor(options, writer, state, _registry.Contains, _time);
    }

    private async Task AdvanceAndCheck(DeviceHealthMonitor monitor, TimeSpan by)
    {
        _time.Advance(by);
        await monitor.CheckAsync(CancellationToken.None);
    }

    private static DeviceEvent Decode(EventRecord record)
    {
        var result = EventCodec.Decode(System.Text.Encoding.UTF8.GetBytes(record.Payload));
        Assert.IsTrue(result.Ok, result.Detail);
        return result.Event;
    }
}
