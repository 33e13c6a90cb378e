namespace Eldercare.Bench.FleetSim;

/// <summary>What <see cref="StorePrefill"/> did: events stored and marked forwarded, time, commits, bytes on disk after closing.</summary>
public sealed record PrefillResult(int Events, double Seconds, double AppendSeconds, long Commits, long StoreBytes);
