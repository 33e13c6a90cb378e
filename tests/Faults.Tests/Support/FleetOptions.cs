namespace Eldercare.Faults.Tests.Support;

/// <summary>How big a fleet a scenario runs and how it is wired (issue 4: at least 100 devices and 10,000 events).</summary>
public sealed record FleetOptions
{
    public int DeviceCount { get; init; } = 100;

    /// <summary>Events each device raises through <c>VirtualPendant.Raise</c> (SOS presses come on top).</summary>
    public int EventsPerDevice { get; init; } = 100;

    /// <summary>Share of raised events that are alarms (sos / fall), the rest telemetry (heartbeat).</summary>
    public int AlarmPercent { get; init; } = 15;

    /// <summary>Devices whose SOS button is really held (the app's own long-press path) once during the load.</summary>
    public int SosPresses { get; init; } = 10;

    /// <summary>A device raises its next burst only when its outbox holds at most this many events, so the
    /// device's own bounded outbox (128 telemetry) never evicts during a normal run: the fleet is paced by
    /// the gateway's acknowledgements, as real devices are.</summary>
    public int OutboxLowWater { get; init; } = 24;

    public int MinBurst { get; init; } = 5;

    public int MaxBurst { get; init; } = 20;

    /// <summary>Extra gateway arguments, e.g. <c>--Gateway:Store:MaxTelemetryBytes=...</c>.</summary>
    public IReadOnlyList<string> GatewayArgs { get; init; } = [];

    /// <summary>Extra cloud stub arguments, e.g. its JetStream consumer mode (<c>--CloudStub:JetStream:Url=...</c>).</summary>
    public IReadOnlyList<string> CloudArgs { get; init; } = [];

    /// <summary>External mode: devices and gateway go through a real mosquitto.</summary>
    public bool ExternalMosquitto { get; init; }

    /// <summary>Clock skew per device index (scenario 7); null = correct clocks.</summary>
    public Func<int, long>? ClockSkewMilliseconds { get; init; }

    /// <summary>Devices connect through a <see cref="CuttingTcpProxy"/> in front of the broker (scenario 6).</summary>
    public bool ThroughCuttingProxy { get; init; }

    public int Seed { get; init; } = Environment.TickCount;

    /// <summary>Devices registered at the gateway (and mosquitto) beyond the fleet, for hand-driven clients: <c>pendant-0101</c>...</summary>
    public int ExtraRegisteredDevices { get; init; } = 2;
}
