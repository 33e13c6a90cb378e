namespace Eldercare.Edge.Gateway.Registry;

/// <summary>One device in the registry file. The secret is never stored, only its PBKDF2-SHA256 hash.</summary>
public sealed record DeviceRecord
{
    public required string Id { get; init; }

    /// <summary>pendant, watch, kiosk ... (informational for now).</summary>
    public string Kind { get; init; } = "pendant";

    public bool Enabled { get; init; } = true;

    /// <summary>Base64 PBKDF2-SHA256 output.</summary>
    public required string SecretHash { get; init; }

    /// <summary>Base64 random salt.</summary>
    public required string Salt { get; init; }

    public required int Iterations { get; init; }
}
