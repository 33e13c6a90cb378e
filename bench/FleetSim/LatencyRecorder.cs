using HdrHistogram;

namespace Eldercare.Bench.FleetSim;

/// <summary>A thread-safe HdrHistogram of latencies in microseconds (1 us .. 10 min, 3 significant digits).</summary>
public sealed class LatencyRecorder
{
    private readonly LongHistogram _histogram = new(1, 600_000_000, 3);
    private readonly object _gate = new();

    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _histogram.TotalCount;
            }
        }
    }

    public void RecordMicroseconds(double microseconds)
    {
        var value = Math.Clamp((long)Math.Round(microseconds), 1, 600_000_000);
        lock (_gate)
        {
            _histogram.RecordValue(value);
        }
    }

    /// <summary>Forgets what was recorded (after a warm-up).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _histogram.Reset();
        }
    }

    public void RecordMilliseconds(double milliseconds) => RecordMicroseconds(milliseconds * 1000.0);

    /// <summary>Percentile in milliseconds (0 when empty).</summary>
    public double PercentileMilliseconds(double percentile)
    {
        lock (_gate)
        {
            return _histogram.TotalCount == 0 ? 0 : _histogram.GetValueAtPercentile(percentile) / 1000.0;
        }
    }

    public double MaxMilliseconds()
    {
        lock (_gate)
        {
            return _histogram.TotalCount == 0 ? 0 : _histogram.GetMaxValue() / 1000.0;
        }
    }
}
