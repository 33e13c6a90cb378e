using Eldercare.Firmware.Core.Events;
using Microsoft.Data.Sqlite;

namespace Eldercare.Faults.Tests.Support;

/// <summary>
/// The end-of-run check of DESIGN.md's reliability invariants 3 and 4, against what the cloud stub stored:
/// <list type="bullet">
/// <item>Exactly once: every id a device saw acknowledged is at the cloud in one row, unless the gateway
/// dropped it with a counted reason (telemetry only; ids read from the gateway's <c>tombstones</c> table).</item>
/// <item>Alarms: every acknowledged alarm is at the cloud (no reason excuses an alarm).</item>
/// <item>Order: for each device and lane, the cloud's arrival order (its rowid, the order of
/// <c>GET /api/v1/events</c>) lists the events in strictly increasing (boot epoch, seq): the order the
/// device created them in. Another lane may overtake (alarms go first), nothing within a lane may.</item>
/// </list>
/// </summary>
public static class FleetVerifier
{
    public static async Task<FaultFigures> VerifyAsync(FleetHarness fleet, long drainMilliseconds, IReadOnlyDictionary<string, string>? notes = null)
    {
        var cloud = (await fleet.CloudEventsAsync().ConfigureAwait(false))
            .Where(e => e.Dev.StartsWith("pendant-", StringComparison.Ordinal)).ToList();
        var dropped = ReadDropped(fleet.GatewayDatabasePath);
        var cloudIds = cloud.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var acknowledged = fleet.Acknowledged.Values.ToList();
        var lost = acknowledged.Where(a => !cloudIds.Contains(a.Id) && !dropped.ContainsKey(a.Id)).ToList();
        var alarmsLost = acknowledged.Where(a => a.IsAlarm && !cloudIds.Contains(a.Id)).ToList();
        var gatewayDuplicates = fleet.GatewayLines.Count(l => l.Contains("] duplicate ", StringComparison.Ordinal));
        var figures = new FaultFigures
        {
            Scenario = fleet.Scenario,
            Devices = fleet.Devices.Select(d => d.DeviceId).Distinct(StringComparer.Ordinal).Count(),
            Sent = fleet.Raised.Count + fleet.SosPresses + fleet.Boots,
            Acknowledged = acknowledged.Count,
            AlarmsAcknowledged = acknowledged.Count(a => a.IsAlarm),
            StoredAtCloud = cloud.Count,
            AlarmsAtCloud = cloud.Count(e => e.Lane == EventTypes.AlarmLane),
            DuplicatesAtCloud = cloud.Count - cloudIds.Count,
            ResendsDeduplicated = gatewayDuplicates + await fleet.CloudDuplicatesAsync().ConfigureAwait(false),
            Losses = lost.Count,
            AlarmLosses = alarmsLost.Count,
            OrderViolations = CountOrderViolations(cloud),
            FlaggedDeviceFaults = cloud.Count(e => e.Fault is not null),
            EvictionsByReason = dropped.Values.GroupBy(r => r, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal),
            DeviceDroppedTelemetry = fleet.Devices.Sum(d => (long)d.Outbox.DroppedTelemetryCount),
            DeviceRefusedAlarms = fleet.Devices.Sum(d => (long)d.Outbox.RefusedAlarmCount),
            DrainMilliseconds = drainMilliseconds,
            DurationMilliseconds = fleet.ElapsedMilliseconds,
            Seed = fleet.Seed,
            Notes = notes ?? new Dictionary<string, string>(),
        };
        figures.Publish();
        var sample = string.Join(", ", lost.Take(5).Select(a => a.Id));
        Assert.AreEqual(0, figures.DuplicatesAtCloud, $"[{fleet.Scenario}] ids stored twice at the cloud");
        Assert.AreEqual(0, figures.Losses, $"[{fleet.Scenario}] acknowledged events missing at the cloud without a counted reason, e.g. {sample}");
        Assert.AreEqual(0, figures.AlarmLosses, $"[{fleet.Scenario}] acknowledged alarms missing at the cloud");
        Assert.AreEqual(0, figures.OrderViolations, $"[{fleet.Scenario}] events out of order within a device's lane at the cloud");
        Assert.AreEqual(0, figures.FlaggedDeviceFaults, $"[{fleet.Scenario}] healthy devices' events flagged as a device fault, e.g. {string.Join(", ", cloud.Where(e => e.Fault is not null).Take(5).Select(e => e.Id + " " + e.Fault))}");
        Assert.IsTrue(dropped.Keys.All(id => !cloudIds.Contains(id)), $"[{fleet.Scenario}] an event counted as dropped also reached the cloud");
        return figures;
    }

    /// <summary>Consecutive pairs (same device, same lane, cloud arrival order) whose (boot, seq) does not increase.</summary>
    public static long CountOrderViolations(IEnumerable<CloudEvent> arrivalOrder)
    {
        long violations = 0;
        var last = new Dictionary<(string Dev, string Lane), (int Boot, int Seq)>();
        foreach (var e in arrivalOrder)
        {
            var key = (e.Dev, e.Lane);
            if (last.TryGetValue(key, out var previous) && (e.Boot < previous.Boot || (e.Boot == previous.Boot && e.Seq <= previous.Seq)))
            {
                violations++;
                if (violations <= 5)
                {
                    // Which lane, device and ids: a violation seen once must be diagnosable from the log.
                    Console.WriteLine($"ORDER-VIOLATION dev={e.Dev} lane={e.Lane}: {previous.Boot}:{previous.Seq} arrived before {e.Boot}:{e.Seq}");
                }
            }

            last[key] = (e.Boot, e.Seq);
        }

        return violations;
    }

    /// <summary>Ids the gateway dropped on purpose, with the reason (its <c>tombstones</c> table, reason other than <c>forwarded</c>; empty if none).</summary>
    public static Dictionary<string, string> ReadDropped(string databasePath)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(databasePath))
        {
            return result;
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'tombstones'";
        if ((long)exists.ExecuteScalar()! == 0)
        {
            return result;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, reason FROM tombstones WHERE reason <> 'forwarded'";
        using var rows = command.ExecuteReader();
        while (rows.Read())
        {
            result[rows.GetString(0)] = rows.GetString(1);
        }

        return result;
    }
}
