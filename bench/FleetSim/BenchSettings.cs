namespace Eldercare.Bench.FleetSim;

/// <summary>Sizes of one bench run; <see cref="Quick"/> fits ./bench.sh --quick into 2 minutes.</summary>
public sealed record BenchSettings
{
    public bool IsQuick { get; init; }

    /// <summary>Publishing connections in the ingest / mosquitto relay comparison.</summary>
    public int IngestDevices { get; init; } = 1000;

    public int IngestEventsPerDevice { get; init; } = 100;

    /// <summary>
    /// Events each ingest connection publishes per warm-up round, before the measured window, on both sides alike:
    /// the gateway is a long-running service, so its first seconds of JIT compilation (tier-0 to tier-1 with PGO:
    /// 13% of its CPU in a cold 15 s run, and the tiering thread still ~30% of its samples 12 s after start with a
    /// 3 s warm-up, measured with perf) are not what sustained ingest costs.
    /// </summary>
    public int IngestWarmupEventsPerDevice { get; init; } = 10;

    /// <summary>
    /// Rounds of the ingest comparison: each runs the gateway, then every peer broker, in turn; figures are the medians
    /// of the rounds (single runs on a shared 2-core machine spread too far to compare). One round of the full size took
    /// 49-61 s here (about half of it RabbitMQ, whose fresh node takes 9-17 s to start), so five fit the 12 minutes.
    /// </summary>
    public int IngestRounds { get; init; } = 5;

    /// <summary>Warm-up rounds at most (each <see cref="IngestWarmupEventsPerDevice"/> per connection).</summary>
    public int MaxWarmupRounds { get; init; } = 8;

    /// <summary>QoS 1 publishes in flight per connection (1 = the firmware sender: next event after the PUBACK).</summary>
    public int Window { get; init; } = 1;

    public int[] FleetSizes { get; init; } = [1000, 5000, 10000];

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Outbox events each device flushes after the reconnect.</summary>
    public int BurstEventsPerDevice { get; init; } = 10;

    public double AlarmsPerSecond { get; init; } = 20;

    /// <summary>Devices that stay connected and raise the alarms while the others reconnect.</summary>
    public int AlarmDevices { get; init; } = 50;

    public TimeSpan IdlePhase { get; init; } = TimeSpan.FromSeconds(3);

    public int ConnectConcurrency { get; init; } = 100;

    public int DrainEvents { get; init; } = 100_000;

    public int DrainDevices { get; init; } = 500;

    /// <summary>PBKDF2 iterations of the bench registry (the gateway default is 100,000; see bench/README.md).</summary>
    public int RegistryIterations { get; init; } = 1000;

    /// <summary>Steady scenario: devices publishing heartbeats together at <see cref="SteadyEventsPerSecond"/> (a community gateway).</summary>
    public int SteadyDevices { get; init; } = 100;

    /// <summary>Total rate of the steady scenario, spread evenly over the devices (issue 12: 85 events/s).</summary>
    public double SteadyEventsPerSecond { get; init; } = 85;

    /// <summary>Forwarded events already in the store when the steady scenario's gateway starts (as after weeks of retention).</summary>
    public int SteadyPrefillEvents { get; init; } = 1_000_000;

    /// <summary>Steady load before the measured window (connections settled, caches warm, JIT done).</summary>
    public TimeSpan SteadyWarmup { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Measured window of the steady scenario.</summary>
    public TimeSpan SteadyWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Acknowledgement scenario (issue 13 "Speed"): alarms acknowledged at the cloud stub, timed to the device's receipt
    /// of the <c>ack</c> command, with the largest fleet size connected and heartbeating. One alarm per listening device.
    /// </summary>
    public int AckAlarms { get; init; } = 200;

    /// <summary>Alarms (and so acknowledgements) per second: spread over time, as operators acknowledge one by one.</summary>
    public double AckAlarmsPerSecond { get; init; } = 10;

    /// <summary>Acknowledgements round-tripped before the measured ones (first POST, first long-poll answer, first downlink: not counted).</summary>
    public int AckWarmupAlarms { get; init; } = 5;

    public int TotalDevices => Math.Max(FleetSizes.Max(), Math.Max(IngestDevices, Math.Max(DrainDevices, SteadyDevices)));

    public static BenchSettings Full { get; } = new();

    public static BenchSettings Quick { get; } = new()
    {
        IsQuick = true,
        IngestDevices = 200,
        IngestEventsPerDevice = 100,
        IngestRounds = 2,
        FleetSizes = [1000, 2000],
        IdlePhase = TimeSpan.FromSeconds(2),
        DrainEvents = 20_000,
        DrainDevices = 200,
        SteadyPrefillEvents = 100_000,
        SteadyWarmup = TimeSpan.FromSeconds(5),
        SteadyWindow = TimeSpan.FromSeconds(15),
        AckAlarms = 100,
        AckAlarmsPerSecond = 20,
    };
}
