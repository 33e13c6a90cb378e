namespace Eldercare.Edge.Gateway.Hosting;

/// <summary>The liveness checks of /health/live (the systemd watchdog's own, a set of their own).</summary>
public sealed class GatewayLiveness(IReadOnlyList<LivenessCheck> checks)
{
    /// <summary>"name: problem" for each part that is not alive; empty while all are.</summary>
    public IReadOnlyList<string> Problems() =>
        checks.Select(c => c.Problem() is { } problem ? $"{c.Name}: {problem}" : null).OfType<string>().ToList();
}
