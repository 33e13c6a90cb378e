using System.Globalization;
using System.Text;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// What the store removed on purpose (STYLE.md habit 7: every drop counted with a reason), appended to
/// /metrics by the host: <c>gateway_evicted_total{reason}</c> (unforwarded telemetry: a loss the operator
/// must see), <c>gateway_pruned_total</c> (forwarded rows: not a loss), and the telemetry bytes under quota.
/// </summary>
public sealed class StoreMetrics
{
    private long _evictedQuota;
    private long _pruned;
    private long _telemetryBytes;

    public long EvictedQuota => Interlocked.Read(ref _evictedQuota);

    public long Pruned => Interlocked.Read(ref _pruned);

    public long TelemetryBytes => Interlocked.Read(ref _telemetryBytes);

    public void CountEvicted(long count) => Interlocked.Add(ref _evictedQuota, count);

    public void CountPruned(long count) => Interlocked.Add(ref _pruned, count);

    public void SetTelemetryBytes(long bytes) => Interlocked.Exchange(ref _telemetryBytes, bytes);

    public string ToPrometheusText()
    {
        var text = new StringBuilder(512);
        text.Append("# HELP gateway_evicted_total Unforwarded events dropped by the store, by reason (telemetry only).\n# TYPE gateway_evicted_total counter\n")
            .Append("gateway_evicted_total{reason=\"quota\"} ").Append(EvictedQuota.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("# HELP gateway_pruned_total Forwarded rows removed (retention or quota); their ids still deduplicate.\n# TYPE gateway_pruned_total counter\n")
            .Append("gateway_pruned_total ").Append(Pruned.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("# HELP gateway_store_telemetry_bytes Payload bytes of telemetry rows kept (what the quota limits).\n# TYPE gateway_store_telemetry_bytes gauge\n")
            .Append("gateway_store_telemetry_bytes ").Append(TelemetryBytes.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return text.ToString();
    }
}
