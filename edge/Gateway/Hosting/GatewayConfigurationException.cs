namespace Eldercare.Edge.Gateway.Hosting;

/// <summary>Configuration is invalid; the message lists every problem. Program prints it and exits 2.</summary>
public sealed class GatewayConfigurationException(IReadOnlyList<string> problems)
    : Exception("invalid configuration:\n  " + string.Join("\n  ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
