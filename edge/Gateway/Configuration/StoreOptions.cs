namespace Eldercare.Edge.Gateway.Configuration;

/// <summary>Configuration section <c>Gateway:Store</c>: the durable event store.</summary>
public sealed class StoreOptions
{
    /// <summary>Directory of <c>events.db</c> (SQLite, WAL).</summary>
    public string DataDirectory { get; init; } = "./data";

    /// <summary>Publishers waiting for a commit at most; beyond it publishers wait (backpressure, never a drop).</summary>
    public int QueueCapacity { get; init; } = 20_000;

    /// <summary>Events written in one transaction (one fsync) at most.</summary>
    public int MaxBatchSize { get; init; } = 256;

    /// <summary>
    /// Linux nice value of the writer thread (every alarm waits for its commit), -20..19; 0 leaves it as the process.
    /// Raising it needs CAP_SYS_NICE or LimitNICE (bench/README.md "Gateway performance journal"); without, a warning and no change.
    /// </summary>
    public int WriterNice { get; init; } = -10;

    /// <summary>
    /// Disk quota for telemetry: payload bytes of the telemetry rows kept (forwarded or not); 0 = no quota.
    /// Over it, forwarded telemetry is pruned first, then unforwarded telemetry is evicted oldest first and
    /// counted (<c>gateway_evicted_total{reason="quota"}</c>). Alarms are never evicted (DESIGN.md invariant 4).
    /// </summary>
    public long MaxTelemetryBytes { get; init; }

    /// <summary>Forwarded rows (both lanes) are pruned this long after the upstream confirmed them; their ids stay (dedup).</summary>
    public int ForwardedRetentionSeconds { get; init; } = 86_400;

    /// <summary>How long the id of a pruned or evicted row still deduplicates a device's resend.</summary>
    public int DedupWindowSeconds { get; init; } = 7 * 86_400;

    /// <summary>How often the retention prune runs.</summary>
    public int MaintenanceIntervalSeconds { get; init; } = 60;

    /// <summary>
    /// A settled device's heartbeat (the fast lane of ingest; never an alarm, never an outbox flush) waits at most this
    /// long for other events to share its commit. At a community's steady rate every event arrived alone and cost its
    /// own fsynced commit (~1.8 commits and ~38 KB written per event at 85 events/s, measured): sharing commits is what
    /// lets an SD card live (edge/README.md "Disk"). The PUBACK of such a heartbeat comes at most this much later;
    /// 0 commits every event at once.
    /// </summary>
    public int HeartbeatCommitWindowMilliseconds { get; init; } = 250;

    /// <summary>
    /// Upper bound of the write-ahead log's file: SQLite truncates it to this size when it restarts the log, and a
    /// log past it is checkpointed and restarted between two commits (without an alarm waiting), so it cannot grow
    /// without end under sustained load (415 MB after 70 s at 400 events/s, measured before).
    /// </summary>
    public int MaxWalMegabytes { get; init; } = 32;

    public string DatabasePath => Path.Combine(DataDirectory, "events.db");

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return "Gateway:Store:DataDirectory is required";
        }

        if (QueueCapacity < 1)
        {
            yield return "Gateway:Store:QueueCapacity must be >= 1";
        }

        if (WriterNice is < -20 or > 19)
        {
            yield return $"Gateway:Store:WriterNice must be -20..19, got {WriterNice}";
        }

        if (MaxBatchSize < 1)
        {
            yield return "Gateway:Store:MaxBatchSize must be >= 1";
        }

        if (MaxTelemetryBytes < 0)
        {
            yield return "Gateway:Store:MaxTelemetryBytes must be >= 0 (0 = no quota)";
        }

        if (ForwardedRetentionSeconds < 1 || DedupWindowSeconds < ForwardedRetentionSeconds)
        {
            yield return "Gateway:Store:ForwardedRetentionSeconds must be >= 1 and DedupWindowSeconds >= ForwardedRetentionSeconds";
        }

        if (MaintenanceIntervalSeconds < 1)
        {
            yield return "Gateway:Store:MaintenanceIntervalSeconds must be >= 1";
        }

        if (HeartbeatCommitWindowMilliseconds is < 0 or > 5000)
        {
            yield return $"Gateway:Store:HeartbeatCommitWindowMilliseconds must be 0..5000, got {HeartbeatCommitWindowMilliseconds}";
        }

        if (MaxWalMegabytes < 4)
        {
            yield return $"Gateway:Store:MaxWalMegabytes must be >= 4, got {MaxWalMegabytes}";
        }
    }
}
