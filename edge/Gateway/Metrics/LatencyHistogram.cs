using System.Globalization;
using System.Text;

namespace Eldercare.Edge.Gateway.Metrics;

/// <summary>
/// A Prometheus histogram of seconds with fixed buckets, lock-free: one upstream send per observation (a few per second
/// per lane), so the hand-written exposition of the rest of /metrics is enough here too.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Upper bounds in seconds: an alarm's POST is milliseconds on a LAN, a timeout is 10 s.</summary>
    public static readonly double[] Bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly long[] _buckets = new long[Bounds.Length];
    private long _count;
    private long _sumMicroseconds;

    public long Count => Interlocked.Read(ref _count);

    public void Observe(TimeSpan elapsed)
    {
        var seconds = elapsed.TotalSeconds;
        for (var i = 0; i < Bounds.Length; i++)
        {
            if (seconds <= Bounds[i])
            {
                Interlocked.Increment(ref _buckets[i]);
                break;
            }
        }

        Interlocked.Add(ref _sumMicroseconds, (long)(elapsed.Ticks / 10));
        Interlocked.Increment(ref _count);
    }

    /// <summary>The series of one labelled histogram (<paramref name="labels"/> like <c>kind="http",lane="alarm"</c>); cumulative buckets.</summary>
    public void AppendPrometheus(StringBuilder text, string name, string labels)
    {
        long cumulative = 0;
        for (var i = 0; i < Bounds.Length; i++)
        {
            cumulative += Interlocked.Read(ref _buckets[i]);
            text.Append(name).Append("_bucket{").Append(labels).Append(",le=\"").Append(Bounds[i].ToString(CultureInfo.InvariantCulture)).Append("\"} ")
                .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        // Count is raised after the bucket: a scrape between the two must not see +Inf below a bucket.
        var count = Math.Max(Count, cumulative);
        text.Append(name).Append("_bucket{").Append(labels).Append(",le=\"+Inf\"} ").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append(name).Append("_sum{").Append(labels).Append("} ")
            .Append((Interlocked.Read(ref _sumMicroseconds) / 1e6).ToString("0.######", CultureInfo.InvariantCulture)).Append('\n');
        text.Append(name).Append("_count{").Append(labels).Append("} ").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }
}
