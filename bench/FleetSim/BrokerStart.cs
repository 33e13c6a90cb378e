namespace Eldercare.Bench.FleetSim;

/// <summary>
/// A relay broker that is running, or why it is not: not installed (the bench goes on without it), or a start that
/// failed (<see cref="CanRetry"/>: tried once more with fresh ports and directory before the peer counts as unavailable).
/// </summary>
public readonly record struct BrokerStart(RunningBroker? Broker, string? Unavailable, bool CanRetry)
{
    public static BrokerStart Running(RunningBroker broker) => new(broker, null, false);

    public static BrokerStart NotInstalled(string reason) => new(null, reason, false);

    public static BrokerStart Failed(string reason) => new(null, reason, true);
}
