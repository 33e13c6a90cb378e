using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Ingest;

/// <summary>
/// Flags events whose device timestamp is far from the gateway's receive time (skew = device ts - gateway rx).
/// The event is kept with both times; the skew travels upstream (<c>skewMs</c>, docs/wire-format.md), is counted
/// (<c>gateway_clock_skew_flagged_total</c>) and logged at most once a minute per device (a device with a wrong
/// clock is wrong for every event; one line per event would flood the log).
/// </summary>
public sealed class ClockSkewMonitor
{
    private static readonly long LogIntervalMilliseconds = 60_000;

    private readonly IngestOptions _options;
    private readonly ILogger<ClockSkewMonitor> _logger;
    private readonly ConcurrentDictionary<string, long> _lastLogged = new(StringComparer.Ordinal);
    private long _flagged;
    private long _worstAbsolute;

    public ClockSkewMonitor(IngestOptions options, ILogger<ClockSkewMonitor> logger)
    {
        _options = options;
        _logger = logger;
    }

    public long Flagged => Interlocked.Read(ref _flagged);

    /// <summary>The skew to carry with the event, or null when the device clock is within the tolerance.</summary>
    public long? Check(string deviceId, string eventId, long deviceTimestampUnixMilliseconds, long receivedUnixMilliseconds)
    {
        var skew = deviceTimestampUnixMilliseconds - receivedUnixMilliseconds;
        var absolute = skew == long.MinValue ? long.MaxValue : Math.Abs(skew);
        if (absolute <= _options.MaxClockSkewMilliseconds)
        {
            return null;
        }

        Interlocked.Increment(ref _flagged);
        long worst;
        while (absolute > (worst = Interlocked.Read(ref _worstAbsolute)) && Interlocked.CompareExchange(ref _worstAbsolute, absolute, worst) != worst)
        {
        }

        var last = _lastLogged.GetOrAdd(deviceId, receivedUnixMilliseconds - LogIntervalMilliseconds);
        if (receivedUnixMilliseconds - last >= LogIntervalMilliseconds && _lastLogged.TryUpdate(deviceId, receivedUnixMilliseconds, last))
        {
            _logger.LogWarning("clock skew {Device} {Id} skew_ms={Skew}: event kept, gateway receive time recorded", deviceId, eventId, skew);
        }

        return skew;
    }

    public string ToPrometheusText() =>
        "# HELP gateway_clock_skew_flagged_total Events whose device clock was off by more than Gateway:Ingest:MaxClockSkewMilliseconds.\n"
        + "# TYPE gateway_clock_skew_flagged_total counter\n"
        + "gateway_clock_skew_flagged_total " + Flagged.ToString(CultureInfo.InvariantCulture) + "\n"
        + "# HELP gateway_clock_skew_max_abs_milliseconds Largest absolute skew seen since start.\n# TYPE gateway_clock_skew_max_abs_milliseconds gauge\n"
        + "gateway_clock_skew_max_abs_milliseconds " + Interlocked.Read(ref _worstAbsolute).ToString(CultureInfo.InvariantCulture) + "\n";
}
