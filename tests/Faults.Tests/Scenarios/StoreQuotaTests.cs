using System.Globalization;
using Eldercare.Faults.Tests.Support;
using Eldercare.TestSupport;
using Microsoft.Data.Sqlite;

namespace Eldercare.Faults.Tests.Scenarios;

/// <summary>
/// Scenario 4: the upstream is down for the whole fleet run and the gateway's telemetry quota is far below
/// what the fleet sends. Telemetry is evicted oldest first, every eviction counted with its reason (metric,
/// log, tombstone); no alarm is evicted or expired; when the upstream returns everything left is delivered.
/// </summary>
[TestClass]
[TestCategory("Faults")]
public sealed class StoreQuotaTests
{
    private const long QuotaBytes = 300_000;

    [TestMethod]
    [Timeout(180_000, CooperativeCancellation = true)]
    public async Task LongOutage_TelemetryOverQuota_OldestTelemetryEvictedCountedAlarmsAllDelivered()
    {
        await using var fleet = await FleetHarness.StartAsync("4-outage-disk-quota", new FleetOptions
        {
            GatewayArgs = [$"--Gateway:Store:MaxTelemetryBytes={QuotaBytes}"],
        });
        await fleet.SetCloudFaultAsync("fail");
        fleet.StartDevices();
        await fleet.WaitAllConnectedAsync(TimeSpan.FromSeconds(30));

        await fleet.RunLoadAsync();
        await Eventually.WaitAsync(() => fleet.Devices.All(d => d.Outbox.Count == 0), TimeSpan.FromSeconds(60), "every device's outbox acknowledged during the outage");
        var metricsDuringOutage = await fleet.GatewayMetricsTextAsync();
        var pendingAtEnd = (await fleet.GatewayHealthAsync()).Pending;
        await fleet.SetCloudFaultAsync("none");
        var drain = await fleet.WaitForDrainAsync(TimeSpan.FromSeconds(90));

        var evictedCounter = MetricValue(metricsDuringOutage, "gateway_evicted_total{reason=\"quota\"}");
        var (maxEvictedStoreOrder, minDrainedStoreOrder, quotaTombstones) = StoreOrders(fleet.GatewayDatabasePath);
        var telemetryBytes = MetricValue(metricsDuringOutage, "gateway_store_telemetry_bytes");
        var figures = await FleetVerifier.VerifyAsync(fleet, drain, new Dictionary<string, string>
        {
            ["quotaBytes"] = QuotaBytes.ToString(CultureInfo.InvariantCulture),
            ["telemetryBytesAtEndOfOutage"] = telemetryBytes.ToString(CultureInfo.InvariantCulture),
            ["pendingAtEndOfOutage"] = pendingAtEnd.ToString(CultureInfo.InvariantCulture),
            ["evictedMetric"] = evictedCounter.ToString(CultureInfo.InvariantCulture),
            ["evictionLogLines"] = fleet.GatewayLines.Count(l => l.Contains("reason=quota", StringComparison.Ordinal)).ToString(CultureInfo.InvariantCulture),
            ["maxEvictedStoreOrder"] = maxEvictedStoreOrder.ToString(CultureInfo.InvariantCulture),
            ["minDrainedTelemetryStoreOrder"] = minDrainedStoreOrder.ToString(CultureInfo.InvariantCulture),
        });

        Assert.IsGreaterThanOrEqualTo(10_000, figures.Acknowledged);
        Assert.IsGreaterThan(0, quotaTombstones, "the quota forced evictions");
        Assert.AreEqual(quotaTombstones, evictedCounter, "every eviction counted with reason quota");
        Assert.IsLessThanOrEqualTo(QuotaBytes, telemetryBytes, "the store stayed within its telemetry quota");
        Assert.AreEqual(figures.AlarmsAcknowledged, figures.AlarmsAtCloud, "no alarm evicted or expired");
        Assert.IsLessThan(minDrainedStoreOrder, maxEvictedStoreOrder, "evicted oldest first: every evicted row is older than every telemetry row kept");
        Assert.IsTrue(fleet.GatewayLines.Any(l => l.Contains("evicted", StringComparison.Ordinal) && l.Contains("reason=quota", StringComparison.Ordinal)), "eviction logged with its reason");
    }

    private static long MetricValue(string text, string name)
    {
        var line = text.Split('\n').First(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return long.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>Highest store order evicted for the quota; lowest store order of the telemetry kept (the cloud failed
    /// from the start, so all of it was forwarded in the drain).</summary>
    private static (long MaxEvicted, long MinDrained, long QuotaTombstones) StoreOrders(string databasePath)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT COALESCE(MAX(seq_no), -1) FROM tombstones WHERE reason = 'quota'),
                   (SELECT COALESCE(MIN(seq_no), -1) FROM events WHERE lane = 1),
                   (SELECT COUNT(*) FROM tombstones WHERE reason = 'quota')
            """;
        using var rows = command.ExecuteReader();
        rows.Read();
        return (rows.GetInt64(0), rows.GetInt64(1), rows.GetInt64(2));
    }
}
