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

    public IEnumerable<string> Validate()
    {
        if (MaxClockSkewMilliseconds < 1)
        {
            yield return "Gateway:Ingest:MaxClockSkewMilliseconds must be >= 1";
        }
    }
}
