using System.Globalization;
using System.Text;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>One lane's backlog: events stored and not yet forwarded, and when the oldest of them (in store order) was received.</summary>
public sealed record LaneDepth(string Lane, long Pending, long? OldestReceivedUnixMilliseconds)
{
    /// <summary>The gauges of /metrics: <c>gateway_store_pending_events{lane}</c>, <c>gateway_store_oldest_pending_age_seconds{lane}</c> (0 when empty).</summary>
    public static string ToPrometheusText(IReadOnlyList<LaneDepth> depths, long nowUnixMilliseconds)
    {
        var text = new StringBuilder(512);
        text.Append("# HELP gateway_store_pending_events Events stored and not yet forwarded, by lane.\n# TYPE gateway_store_pending_events gauge\n");
        foreach (var depth in depths)
        {
            text.Append("gateway_store_pending_events{lane=\"").Append(depth.Lane).Append("\"} ").Append(depth.Pending.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        text.Append("# HELP gateway_store_oldest_pending_age_seconds Age of the lane's oldest pending event (store order; receive time), 0 when none.\n# TYPE gateway_store_oldest_pending_age_seconds gauge\n");
        foreach (var depth in depths)
        {
            var age = depth.OldestReceivedUnixMilliseconds is { } oldest ? Math.Max(0, nowUnixMilliseconds - oldest) / 1000.0 : 0;
            text.Append("gateway_store_oldest_pending_age_seconds{lane=\"").Append(depth.Lane).Append("\"} ").Append(age.ToString("0.###", CultureInfo.InvariantCulture)).Append('\n');
        }

        return text.ToString();
    }
}
