using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Health;
using Eldercare.Edge.Gateway.Ingest;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Eldercare.Edge.Tests.Health;

/// <summary>
/// Each device's offline deadline from the heartbeat period its heartbeats report (<c>hbs</c>): heartbeats go through
/// the gateway's real ingest (codec, SQLite event store) into a real <see cref="DeviceHealthMonitor"/> on a fake clock,
/// as the embedded broker hands them over (activity first, then ingest). The gateway runs its defaults: 900 s x 3,
/// reported periods bounded to 30..3600 s; no start-up grace.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ReportedHeartbeatPeriodTests : IAsyncDisposable
{
    private const string Device = "pendant-0001";
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-03T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly TempDirectory _directory = new("reported-period");
    private readonly RecordingAppender _alarms = new();
    private readonly List<HealthStateStore> _states = [];
    private readonly SqliteEventStore _store;
    private readonly RejectionLog _rejections;
    private DeviceHealthMonitor _monitor;
    private EventIngestor _ingestor;
    private int _seq;

    public ReportedHeartbeatPeriodTests()
    {
        _store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = Path.Combine(_directory.Path, "events") });
        _rejections = new RejectionLog(NullLogger.Instance, _time, TimeSpan.FromMinutes(1));
        (_monitor, _ingestor) = StartGateway();
    }

    public async ValueTask DisposeAsync()
    {
        _rejections.Dispose();
        await _store.DisposeAsync();
        foreach (var state in _states)
        {
            state.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [TestMethod]
    public async Task Reports3600_NotOfflineAfter45Minutes_OfflineAfterItsOwnThreeHours()
    {
        await HeartbeatAsync(3600);

        await AdvanceAndCheck(TimeSpan.FromMinutes(45));
        await AdvanceAndCheck(TimeSpan.FromMinutes(60));
        await AdvanceAndCheck(TimeSpan.FromSeconds((3 * 3600) - (105 * 60) - 1));
        Assert.IsEmpty(_alarms.Stored, "the gateway's own 3 x 900 s would have called it offline at 45 min");
        await AdvanceAndCheck(TimeSpan.FromSeconds(1));

        StringAssert.Contains(OfflineInfo(), "reason=heartbeat_timeout;silent=10800s");
    }

    [TestMethod]
    public async Task Reports60_OfflineAfterThreeMinutes_NotTheDefault45()
    {
        await HeartbeatAsync(60);

        await AdvanceAndCheck(TimeSpan.FromSeconds(179));
        Assert.IsEmpty(_alarms.Stored);
        await AdvanceAndCheck(TimeSpan.FromSeconds(1));

        StringAssert.Contains(OfflineInfo(), "silent=180s");
    }

    [TestMethod]
    public async Task HeartbeatWithoutThePeriod_OlderFirmware_TheConfiguredDefault()
    {
        // A device that said 3600 s is flashed back to firmware without hbs: the gateway's 900 s again.
        await HeartbeatAsync(3600);
        await HeartbeatAsync(DeviceEvent.Absent);

        await AdvanceAndCheck(TimeSpan.FromSeconds((3 * 900) - 1));
        Assert.IsEmpty(_alarms.Stored);
        await AdvanceAndCheck(TimeSpan.FromSeconds(1));

        StringAssert.Contains(OfflineInfo(), "silent=2700s");
        Assert.AreEqual((0, 2_700_000L), Status());
    }

    [TestMethod]
    [DataRow(5, "hbs must be 10..86400 s (the heartbeat period), got 5")]
    [DataRow(86401, "hbs must be 10..86400 s (the heartbeat period), got 86401")]
    [DataRow(0, "hbs must be 10..86400 s (the heartbeat period), got 0")]
    public async Task BadPeriod_RefusedWithItsReason_AndTheDevicesDeadlineUnchanged(int seconds, string detail)
    {
        await HeartbeatAsync(3600);
        var stored = (await TestStores.PendingAsync(_store, EventTypes.TelemetryLane)).Count;

        var result = await HeartbeatAsync(seconds);

        Assert.AreEqual((IngestOutcome.Rejected, RejectReasons.BadField, detail), (result.Outcome, result.Reason, result.Detail));
        Assert.HasCount(stored, await TestStores.PendingAsync(_store, EventTypes.TelemetryLane), "nothing stored");
        Assert.AreEqual((3600, 10_800_000L), Status(), "still timed by the 3600 s it reported before");
        await AdvanceAndCheck(TimeSpan.FromHours(2));
        Assert.IsEmpty(_alarms.Stored);
    }

    [TestMethod]
    [DataRow(10, 90, DisplayName = "10 s: the floor of 30 s, offline after 90 s")]
    [DataRow(86400, 10800, DisplayName = "a day: the cap of 1 h, offline after 3 h")]
    public async Task ReportedPeriod_OutsideTheGatewaysBounds_Bounded(int seconds, int silentSeconds)
    {
        await HeartbeatAsync(seconds);

        await AdvanceAndCheck(TimeSpan.FromSeconds(silentSeconds - 1));
        Assert.IsEmpty(_alarms.Stored);
        await AdvanceAndCheck(TimeSpan.FromSeconds(1));

        StringAssert.Contains(OfflineInfo(), $"silent={silentSeconds}s");
    }

    [TestMethod]
    public async Task Restart_ReportedPeriodKept_NotTimedByTheDefault()
    {
        // Written at the next pass (a second), not after the last-seen interval: a crash right after loses nothing.
        await HeartbeatAsync(3600);
        await AdvanceAndCheck(TimeSpan.FromSeconds(1));

        _time.Advance(TimeSpan.FromMinutes(5));
        (_monitor, _ingestor) = StartGateway();
        await AdvanceAndCheck(TimeSpan.FromMinutes(55));
        await AdvanceAndCheck(TimeSpan.FromSeconds((3 * 3600) - 3601 - 1));
        Assert.IsEmpty(_alarms.Stored, "the default 45 min passed long ago");
        await AdvanceAndCheck(TimeSpan.FromSeconds(1));

        StringAssert.Contains(OfflineInfo(), "silent=10800s");
    }

    [TestMethod]
    public void Options_BoundsInverted_RefusedWithTheReason()
    {
        var problems = new DeviceHealthOptions { MinReportedHeartbeatSeconds = 600, MaxReportedHeartbeatSeconds = 300 }.Validate("gw-01").ToList();

        StringAssert.Contains(problems.Single(), "MinReportedHeartbeatSeconds and MaxReportedHeartbeatSeconds must be 1 <= min <= max <= 86400, got 600 and 300");
    }

    private (DeviceHealthMonitor Monitor, EventIngestor Ingestor) StartGateway()
    {
        var state = HealthStateStore.Open(Path.Combine(_directory.Path, "health"));
        _states.Add(state);
        var metrics = new GatewayMetrics();
        var writer = new GatewayEventWriter("gw-01", state, _alarms, metrics, NullLogger.Instance);
        var monitor = new DeviceHealthMonitor(new DeviceHealthOptions { StartupGraceSeconds = 0 }, writer, state, id => id == Device, _time);
        var ingestor = new EventIngestor(_store, _store, metrics, NullLogger<EventIngestor>.Instance, _time,
            new ClockSkewMonitor(new IngestOptions(), NullLogger<ClockSkewMonitor>.Instance), new TelemetryAdmission(new IngestOptions(), _time),
            new AlarmExpress(1, _ => { }), _rejections, activity: monitor);
        return (monitor, ingestor);
    }

    /// <summary>One heartbeat as the embedded broker hands it over: the device is heard from, then ingest decodes it.</summary>
    private async Task<IngestResult> HeartbeatAsync(int heartbeatSeconds)
    {
        var heartbeat = new DeviceEvent(Device, 1, ++_seq, EventTypes.Heartbeat, _time.GetUtcNow().ToUnixTimeMilliseconds()) { BatteryPercent = 80, HeartbeatSeconds = heartbeatSeconds };
        _monitor.EventReceived(Device);
        return await _ingestor.IngestAsync(Device, EventCodec.Encode(heartbeat), CancellationToken.None);
    }

    private async Task AdvanceAndCheck(TimeSpan by)
    {
        _time.Advance(by);
        await _monitor.CheckAsync(CancellationToken.None);
    }

    private (int Reported, long SilenceLimit) Status()
    {
        var status = _monitor.Statuses()[Device];
        return (status.ReportedHeartbeatSeconds, status.SilenceLimitMilliseconds);
    }

    private string OfflineInfo()
    {
        var alarm = _alarms.Stored.Single();
        var decoded = EventCodec.Decode(System.Text.Encoding.UTF8.GetBytes(alarm.Payload));
        Assert.IsTrue(decoded.Ok, decoded.Detail);
        Assert.AreEqual((EventTypes.DeviceOffline, Device), (decoded.Event.Type, decoded.Event.Subject));
        return decoded.Event.Info;
    }
}
