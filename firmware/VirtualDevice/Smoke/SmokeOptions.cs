namespace Eldercare.VirtualDevice.Smoke;

/// <summary>How the smoke check reaches the system and how long it gives it.</summary>
public sealed record SmokeOptions(string BrokerHost, int BrokerPort, Uri CloudUrl, string DataDirectory, string GatewayId)
{
    /// <summary>The devices' heartbeat period; the gateway's DeviceHealth interval must match it.</summary>
    public int HeartbeatIntervalSeconds { get; init; } = 5;

    public int WellnessMinutes { get; init; } = 1;

    /// <summary>From the start of the flows to the last thing any flow waits for.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(150);

    /// <summary>The watch's walk: speed out of the zone (a recorded walk cannot be sped up: the GNSS time guard).</summary>
    public double WalkMetresPerSecond { get; init; } = 6;

    /// <summary>The card tapped on the kiosk.</summary>
    public string CardUid { get; init; } = "04A1B2C3";
}
