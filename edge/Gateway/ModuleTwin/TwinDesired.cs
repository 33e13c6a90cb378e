namespace Eldercare.Edge.Gateway.ModuleTwin;

/// <summary>
/// What <see cref="TwinSettings.Read"/> made of the desired properties: their <c>$version</c>, the gateway settings they
/// set (configuration key -> value, ordered) and every problem found (none: the settings may be tried).
/// </summary>
public sealed record TwinDesired(long? Version, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<string> Problems)
{
    /// <summary>The settings as command-line arguments, which take precedence over appsettings.json and the environment.</summary>
    public string[] ToArguments() => Settings.Select(pair => $"--{pair.Key}={pair.Value}").ToArray();
}
