namespace Eldercare.Firmware.Tools.Provision;

/// <summary>What to provision: one device's identity, network and placement (the keys of device.txt, see DeviceSettings).</summary>
public sealed record ProvisionRequest(string DeviceId, string RegistryPath, string OutputDirectory)
{
    public string Kind { get; init; } = "pendant";

    public string Ssid { get; init; } = "";

    public string WifiPassword { get; init; } = "";

    public string GatewayHost { get; init; } = "";

    public int GatewayPort { get; init; } = 1883;

    /// <summary>A PEM file on this PC: copied next to device.txt as ca.pem (deployed to I:\ca.pem) and tls=1.</summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>neck (pendant) or wrist (watch); null for a kiosk.</summary>
    public string? Placement { get; init; }

    /// <summary>Geofence zones in the core's ZoneText, or null.</summary>
    public string? Zones { get; init; }

    /// <summary>Create the registry file when it does not exist (a new gateway); otherwise a missing registry is an error.</summary>
    public bool CreateRegistry { get; init; }

    /// <summary>PBKDF2 iterations for the registry's hash (the gateway's default unless a test lowers it).</summary>
    public int Iterations { get; init; } = Eldercare.Edge.Gateway.Registry.SecretHasher.DefaultIterations;
}
