namespace Eldercare.Edge.Gateway.Configuration;

/// <summary>Configuration section <c>Gateway:Forwarder</c>: the upstream link to the platform (cloud stub).</summary>
public sealed class ForwarderOptions
{
    /// <summary>Base URL; events go to <c>POST {CloudUrl}/api/v1/events</c>.</summary>
    public string CloudUrl { get; init; } = "http://127.0.0.1:5080";

    /// <summary>Sent as <c>X-Api-Key</c> when set.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Gateway name in each batch (<c>"gateway"</c> field).</summary>
    public string GatewayId { get; init; } = "gw-01";

    /// <summary>Events per POST; wire format allows at most 1000. 1000: each POST costs the stub one
    /// transaction + fsync and the gateway one mark commit, so the drain rate grows with the batch (bench/results.md).</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>Cap of the retry backoff: the forwarder resumes within this after the upstream returns.
    /// 250 ms: a first alarm after an outage must arrive within 500 ms (issue 5); at 2 s it took ~1.8 s. A failing
    /// attempt is one small request, so 4 per second during an outage cost nothing measurable.</summary>
    public int MaxBackoffMilliseconds { get; init; } = 250;

    public int RequestTimeoutMilliseconds { get; init; } = 10_000;

    /// <summary>
    /// Telemetry POSTs in flight at once, each stream owning a fixed share of the devices (so per-device order
    /// holds at the cloud): the upstream parses three batches at a time during a drain. 1..8.
    /// </summary>
    public int TelemetryStreams { get; init; } = 3;

    /// <summary>
    /// Service-lane POSTs in flight at once (kiosk requests, check-ins, battery), each stream owning a fixed share of
    /// the devices like the telemetry streams. 1..8; one is plenty at a community's rate.
    /// </summary>
    public int ServiceStreams { get; init; } = 1;

    /// <summary>
    /// Alarm POSTs in flight at once, each alarm stream on its own thread owning a fixed share of the devices (so a
    /// device's alarms stay in order): an alarm does not wait for another share's POST. 1..8.
    /// </summary>
    public int AlarmStreams { get; init; } = 2;

    /// <summary>Linux nice value of the alarm lane's thread, -20..19 (as <c>Gateway:Store:WriterNice</c>); 0 leaves it.</summary>
    public int AlarmLaneNice { get; init; } = -10;

    public Uri EventsUri => new(new Uri(CloudUrl.TrimEnd('/') + "/"), "api/v1/events");

    public IEnumerable<string> Validate()
    {
        if (!Uri.TryCreate(CloudUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            yield return $"Gateway:Forwarder:CloudUrl '{CloudUrl}' is not an absolute http(s) URL";
        }

        if (BatchSize is < 1 or > 1000)
        {
            yield return $"Gateway:Forwarder:BatchSize must be 1..1000, got {BatchSize}";
        }

        if (MaxBackoffMilliseconds < 10)
        {
            yield return "Gateway:Forwarder:MaxBackoffMilliseconds must be >= 10";
        }

        if (RequestTimeoutMilliseconds < 100)
        {
            yield return "Gateway:Forwarder:RequestTimeoutMilliseconds must be >= 100";
        }

        if (AlarmLaneNice is < -20 or > 19)
        {
            yield return $"Gateway:Forwarder:AlarmLaneNice must be -20..19, got {AlarmLaneNice}";
        }

        if (AlarmStreams is < 1 or > 8)
        {
            yield return $"Gateway:Forwarder:AlarmStreams must be 1..8, got {AlarmStreams}";
        }

        if (ServiceStreams is < 1 or > 8)
        {
            yield return $"Gateway:Forwarder:ServiceStreams must be 1..8, got {ServiceStreams}";
        }

        if (TelemetryStreams is < 1 or > 8)
        {
            yield return $"Gateway:Forwarder:TelemetryStreams must be 1..8, got {TelemetryStreams}";
        }

        if (string.IsNullOrWhiteSpace(GatewayId))
        {
            yield return "Gateway:Forwarder:GatewayId is required";
        }
    }
}
