using System.Text.Json;
using Eldercare.TestSupport;

namespace Eldercare.Faults.Tests.Support;

/// <summary>
/// The figures of one scenario run, for docs/reliability.md: written to <c>artifacts/faults/&lt;scenario&gt;.json</c>
/// and printed as one <c>FAULT-FIGURES {json}</c> line.
/// </summary>
public sealed record FaultFigures
{
    public string Scenario { get; init; } = string.Empty;

    public int Devices { get; init; }

    /// <summary>Events the devices created (raised + SOS presses + one heartbeat per boot) and kept in their outboxes.</summary>
    public long Sent { get; init; }

    /// <summary>Distinct event ids the gateway (or the external broker) acknowledged to a device.</summary>
    public long Acknowledged { get; init; }

    public long AlarmsAcknowledged { get; init; }

    /// <summary>Rows at the cloud stub for this fleet's devices.</summary>
    public long StoredAtCloud { get; init; }

    public long AlarmsAtCloud { get; init; }

    /// <summary>Rows at the cloud with an id stored more than once (must be 0).</summary>
    public long DuplicatesAtCloud { get; init; }

    /// <summary>Resends absorbed by dedup: gateway <c>duplicate</c> lines + cloud stub duplicates.</summary>
    public long ResendsDeduplicated { get; init; }

    /// <summary>Acknowledged ids neither at the cloud nor evicted by the gateway with a counted reason (must be 0).</summary>
    public long Losses { get; init; }

    /// <summary>Acknowledged alarms not at the cloud (must be 0: alarms are never evicted).</summary>
    public long AlarmLosses { get; init; }

    /// <summary>Pairs of one device's events in one lane that reached the cloud out of (boot, seq) order (must be 0).</summary>
    public long OrderViolations { get; init; }

    /// <summary>Events at the cloud flagged as a device fault (id_conflict, seq_regression): healthy devices under
    /// kills, cuts and reboots resend the same bytes in order, so any flag here is a false one.</summary>
    public long FlaggedDeviceFaults { get; init; }

    public IReadOnlyDictionary<string, long> EvictionsByReason { get; init; } = new Dictionary<string, long>();

    /// <summary>Events the devices' own outboxes dropped (full outbox: telemetry only).</summary>
    public long DeviceDroppedTelemetry { get; init; }

    public long DeviceRefusedAlarms { get; init; }

    /// <summary>From the end of the fault (or of the load) until the cloud held everything: ms.</summary>
    public long DrainMilliseconds { get; init; }

    public long DurationMilliseconds { get; init; }

    public int Seed { get; init; }

    /// <summary>Scenario-specific facts (kills, restarts, cuts, skew flags...).</summary>
    public IReadOnlyDictionary<string, string> Notes { get; init; } = new Dictionary<string, string>();

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public void Publish()
    {
        var json = JsonSerializer.Serialize(this, Json);
        Console.WriteLine("FAULT-FIGURES " + json);
        var directory = Path.Combine(RepoPaths.Root, "artifacts", "faults");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, Scenario + ".json"), JsonSerializer.Serialize(this, new JsonSerializerOptions(Json) { WriteIndented = true }) + "\n");
    }
}
