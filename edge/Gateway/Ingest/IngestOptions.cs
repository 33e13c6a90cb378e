namespace Eldercare.Edge.Gateway.Ingest;

/// <summary>Configuration section <c>Gateway:Ingest</c>.</summary>
public sealed class IngestOptions
{
    /// <summary>
    /// A device clock further than this from the gateway's receive time is flagged (the event is kept:
    /// an alarm with a wrong clock is still an alarm). 5 minutes: well above NTP drift and MQTT queueing
    /// delays, well below "the RTC lost power and restarted in 2000".
    /// </summary>
    public long MaxClockSkewMilliseconds { get; init; } = 300_000;

    /// <summary>
    /// Bulk telemetry (outbox flushes, chatty devices) being stored at once; the rest wait, unacknowledged, so
    /// their devices send nothing more (window 1) and a reconnect storm's backlog waits here, not in the thread
    /// pool's queue in front of an alarm. Alarms never take a slot (<see cref="TelemetryAdmission"/>).
    /// Sized so that group commits stay large (measured in bench/results.md).
    /// </summary>
    public int TelemetryConcurrency { get; init; } = 512;

    /// <summary>A connection this young is still flushing its outbox: its telemetry takes the bulk lane.</summary>
    public int SettledAfterSeconds { get; init; } = 10;

    /// <summary>A settled device's telemetry skips the bulk lane at most once per this interval (heartbeats do).</summary>
    public int FastLaneIntervalMilliseconds { get; init; } = 1000;

    /// <summary>
    /// Per source and reason, the first <see cref="RejectionLogLinesPerWindow"/> rejections of each such window get a
    /// log line of their own, the rest one summary line at its end (every one is counted in the metric).
    /// </summary>
    public int RejectionLogWindowSeconds { get; init; } = 10;

    /// <summary>Lines per source, reason and window before the rest are summed up (<see cref="RejectionLog"/>).</summary>
    public int RejectionLogLinesPerWindow { get; init; } = RejectionLog.DefaultLinesPerWindow;

    public IEnumerable<string> Validate()
    {
        if (RejectionLogWindowSeconds < 1 || RejectionLogLinesPerWindow < 1)
        {
            yield return "Gateway:Ingest:RejectionLogWindowSeconds and RejectionLogLinesPerWindow must be >= 1";
        }

        if (TelemetryConcurrency < 1)
        {
            yield return "Gateway:Ingest:TelemetryConcurrency must be >= 1";
        }

        if (SettledAfterSeconds < 0)
        {
            yield return "Gateway:Ingest:SettledAfterSeconds must be >= 0";
        }

        if (FastLaneIntervalMilliseconds < 0)
        {
            yield return "Gateway:Ingest:FastLaneIntervalMilliseconds must be >= 0";
        }

        if (MaxClockSkewMilliseconds < 1)
        {
            yield return "Gateway:Ingest:MaxClockSkewMilliseconds must be >= 1";
        }
    }
}
