namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// Configuration section <c>Gateway:Console</c>: the community service center's alarm desk (edge/README.md "Operator
/// console"). Off unless enabled; on its own port so a deployment can bind it to the center's LAN only, while
/// /health and /metrics stay on <c>Gateway:Http</c>.
/// </summary>
public sealed class ConsoleOptions
{
    public bool Enabled { get; init; }

    /// <summary>Loopback by default: the desk holds elders' personal data; bind it to the center's LAN address on purpose.</summary>
    public string BindAddress { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 8090;

    /// <summary>An alarm taken but not closed within this time is escalated (highlighted, the supervisor's sound).</summary>
    public int EscalateAfterSeconds { get; init; } = 600;

    /// <summary>Waiting time at which an untaken alarm turns amber (TEC Quality: 97.5% answered within 60 s).</summary>
    public int AmberAfterSeconds { get; init; } = 60;

    /// <summary>Waiting time at which an untaken alarm turns red (TEC Quality: 99% within 180 s).</summary>
    public int RedAfterSeconds { get; init; } = 180;

    /// <summary>Wrong passwords in a row that lock an account.</summary>
    public int LockoutFailures { get; init; } = 5;

    public int LockoutMinutes { get; init; } = 15;

    /// <summary>Login attempts one address may make per minute, whatever the names (guessing across accounts); past it 429.</summary>
    public int LoginAttemptsPerMinutePerAddress { get; init; } = 20;

    /// <summary>How often the desk looks for alarms the store committed (an index seek on its own read connection).</summary>
    public int PollMilliseconds { get; init; } = 200;

    /// <summary>Service providers a 六助 request can be assigned to (e.g. "Canteen No. 3"); empty: <see cref="DefaultProviders"/>.
    /// Empty by default because the configuration binder appends to an array, never replaces it.</summary>
    public string[] Providers { get; init; } = [];

    public static IReadOnlyList<string> DefaultProviders { get; } = ["社区食堂 Community canteen", "家政服务 Home help", "社区医生 Community doctor", "志愿者 Volunteer"];

    public IReadOnlyList<string> EffectiveProviders => Providers.Length > 0 ? Providers : DefaultProviders;

    /// <summary>Priority per alarm type, over <see cref="AlarmPriorities.Defaults"/> (e.g. <c>Priorities:wellness=2</c>).</summary>
    public Dictionary<string, int> Priorities { get; init; } = [];

    /// <summary>Minutes an operator's session lasts without activity.</summary>
    public int SessionMinutes { get; init; } = 480;

    public IEnumerable<string> Validate()
    {
        if (!Enabled)
        {
            yield break;
        }

        if (Port is < 1 or > 65535)
        {
            yield return $"Gateway:Console:Port must be 1..65535, got {Port}";
        }

        if (!System.Net.IPAddress.TryParse(BindAddress, out _))
        {
            yield return $"Gateway:Console:BindAddress '{BindAddress}' is not an IP address";
        }

        if (EscalateAfterSeconds < 1)
        {
            yield return $"Gateway:Console:EscalateAfterSeconds must be >= 1, got {EscalateAfterSeconds}";
        }

        if (AmberAfterSeconds < 1 || RedAfterSeconds <= AmberAfterSeconds)
        {
            yield return $"Gateway:Console:AmberAfterSeconds ({AmberAfterSeconds}) must be >= 1 and below RedAfterSeconds ({RedAfterSeconds})";
        }

        if (LockoutFailures < 1 || LockoutMinutes < 1)
        {
            yield return $"Gateway:Console:LockoutFailures ({LockoutFailures}) and LockoutMinutes ({LockoutMinutes}) must be >= 1";
        }

        if (LoginAttemptsPerMinutePerAddress < 1)
        {
            yield return $"Gateway:Console:LoginAttemptsPerMinutePerAddress must be >= 1, got {LoginAttemptsPerMinutePerAddress}";
        }

        if (PollMilliseconds is < 10 or > 5_000)
        {
            yield return $"Gateway:Console:PollMilliseconds must be 10..5000, got {PollMilliseconds}";
        }

        if (SessionMinutes < 1)
        {
            yield return $"Gateway:Console:SessionMinutes must be >= 1, got {SessionMinutes}";
        }

        foreach (var problem in AlarmPriorities.Validate(Priorities))
        {
            yield return problem;
        }

        if (Providers.Any(string.IsNullOrWhiteSpace))
        {
            yield return "Gateway:Console:Providers must not hold an empty name";
        }
    }
}
