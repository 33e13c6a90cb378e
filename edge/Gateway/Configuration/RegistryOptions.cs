namespace Eldercare.Edge.Gateway.Configuration;

/// <summary>Configuration section <c>Gateway:Registry</c>: per-device credentials.</summary>
public sealed class RegistryOptions
{
    /// <summary>JSON file written by <c>devices add</c>; must exist at start.</summary>
    public string Path { get; init; } = "./data/devices.json";

    /// <summary>Concurrent PBKDF2 verifications at most, so a reconnect storm cannot starve ingest of CPU.</summary>
    public int MaxConcurrentVerifications { get; init; } = Math.Max(1, Environment.ProcessorCount / 2);

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            yield return "Gateway:Registry:Path is required";
        }
        else if (!File.Exists(Path))
        {
            yield return $"Gateway:Registry:Path '{Path}' does not exist (create it with: devices add --id ID --secret SECRET --registry {Path})";
        }

        if (MaxConcurrentVerifications < 1)
        {
            yield return "Gateway:Registry:MaxConcurrentVerifications must be >= 1";
        }
    }
}
