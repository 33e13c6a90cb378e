using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Hosting;

/// <summary>
/// Sends systemd's <c>WATCHDOG=1</c> (deploy/eldercare-gateway.service, <c>WatchdogSec=</c>) only while every
/// <see cref="LivenessCheck"/> passes, so a stuck store writer or a dead forwarder or accept loop gets the gateway
/// restarted instead of left running deaf. The host's systemd integration sends READY/STOPPING but never WATCHDOG=1
/// itself. Pings at half the watchdog interval (sd_watchdog_enabled(3) advises sending well within it); does
/// nothing when not started by systemd with a watchdog (no notifier, or <paramref name="interval"/> null).
/// </summary>
public sealed class SystemdWatchdog : BackgroundService
{
    private static readonly ServiceState Watchdog = new("WATCHDOG=1");

    private readonly ISystemdNotifier? _notifier;
    private readonly TimeSpan? _interval;
    private readonly IReadOnlyList<LivenessCheck> _checks;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private string? _lastProblem;

    /// <param name="notifier">systemd's notify socket (registered by <c>UseSystemd()</c> only under systemd).</param>
    /// <param name="interval">The unit's watchdog interval (<see cref="IntervalFromEnvironment"/>), null when off.</param>
    public SystemdWatchdog(ISystemdNotifier? notifier, TimeSpan? interval, IReadOnlyList<LivenessCheck> checks, TimeProvider time, ILogger<SystemdWatchdog> logger)
    {
        _notifier = notifier;
        _interval = interval;
        _checks = checks;
        _time = time;
        _logger = logger;
    }

    /// <summary>True when systemd asked for watchdog pings and can hear them.</summary>
    public bool Enabled => _notifier is { IsEnabled: true } && _interval is { } interval && interval > TimeSpan.Zero;

    /// <summary>
    /// systemd's <c>WATCHDOG_USEC</c> (microseconds), for this process only (<c>WATCHDOG_PID</c>, when set, must be
    /// ours: systemd.exec(5)); null when unset, unparsable or zero.
    /// </summary>
    public static TimeSpan? IntervalFromEnvironment(Func<string, string?> environment, int processId)
    {
        if (environment("WATCHDOG_PID") is { } pid && pid != processId.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return null;
        }

        return long.TryParse(environment("WATCHDOG_USEC"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var microseconds) && microseconds > 0
            ? TimeSpan.FromMicroseconds(microseconds)
            : null;
    }

    /// <summary>One pass: every check asked; <c>WATCHDOG=1</c> sent when all pass. Returns whether it was sent.</summary>
    public bool Tick()
    {
        string? problem = null;
        foreach (var check in _checks)
        {
            if (check.Problem() is { } reason)
            {
                problem = $"{check.Name}: {reason}";
                break;
            }
        }

        if (problem is not null)
        {
            if (problem != _lastProblem)
            {
                _logger.LogError("watchdog withheld ({Problem}): systemd restarts the gateway if this lasts past WatchdogSec", problem);
            }

            _lastProblem = problem;
            return false;
        }

        if (_lastProblem is not null)
        {
            _logger.LogWarning("watchdog resumed: every part is alive again");
            _lastProblem = null;
        }

        _notifier?.Notify(Watchdog);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(_interval!.Value / 2, _time);
        Tick();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Tick();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: systemd is told STOPPING=1 by the host's lifetime; no more pings.
        }
    }
}
