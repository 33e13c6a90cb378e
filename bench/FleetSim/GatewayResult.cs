namespace Eldercare.Bench.FleetSim;

/// <summary>
/// One gateway run of the ingest load: events/s until the cloud stub held every event (NaN with <see cref="Loss"/> when
/// short), until the last PUBACK, what it cost per event, and how many warm-up rounds it took (the peers of its round
/// get as many).
/// </summary>
public sealed record GatewayResult(
    double EventsPerSecond,
    string? Loss,
    double AcknowledgedEventsPerSecond,
    double GatewayMicrosecondsPerEvent,
    double StubMicrosecondsPerEvent,
    double GeneratorMicrosecondsPerEvent,
    double BusyCores,
    double WriteBytesPerEvent,
    int WarmupRounds);
