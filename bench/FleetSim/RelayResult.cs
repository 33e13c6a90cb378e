namespace Eldercare.Bench.FleetSim;

/// <summary>
/// One run of the ingest load through a relay broker: events/s until the subscriber had all (NaN with <see cref="Loss"/>
/// when it fell short), or <see cref="Unavailable"/> when the broker could not be started, and what the run cost per event.
/// </summary>
public sealed record RelayResult(double EventsPerSecond, string? Loss, string? Unavailable, double BrokerMicrosecondsPerEvent, double GeneratorMicrosecondsPerEvent, double BusyCores)
{
    public static RelayResult NotAvailable(string reason) => new(double.NaN, null, reason, double.NaN, double.NaN, double.NaN);
}
