using Eldercare.Edge.Gateway.Health;

namespace Eldercare.Edge.Gateway.Hosting;

/// <summary>The readiness checks of /health/ready (store, broker, upstream), evaluated on each request.</summary>
public sealed class GatewayReadiness(IReadOnlyList<ReadinessCheck> checks)
{
    public IReadOnlyList<(string Name, ReadinessFinding Finding)> Evaluate() => checks.Select(c => (c.Name, c.Check())).ToList();
}
