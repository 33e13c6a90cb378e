using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Eldercare.Edge.Gateway.ModuleTwin;

/// <summary>
/// The gateway as an Azure IoT Edge module (edge/Gateway.IotEdge's entry point calls <see cref="RunAsync"/>): its
/// settings from the module twin's desired properties over the image's and the environment's, reported back; a refused
/// desired version never stops the gateway (it runs on the last applied one, kept in <see cref="AppliedTwinFile"/>, or
/// on the base configuration); a valid new one stops the module (exit code <see cref="RestartExitCode"/>) so that
/// edgeAgent's restart policy starts it again with it: the gateway's options are immutable once it runs.
/// </summary>
public sealed class ModuleTwinRunner
{
    /// <summary>The process's exit code when it stops to apply a new desired version (edgeAgent restarts it).</summary>
    public const int RestartExitCode = 3;

    private readonly IModuleTwin _twin;
    private readonly string[] _arguments;
    private readonly Func<string[], GatewayHost> _create;
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly SemaphoreSlim _decide = new(1, 1);
    private TwinDesired? _applied;
    private GatewayHost? _host;
    private int _restarting;

    /// <param name="arguments">The base configuration's command line (the twin's settings are added after it, so they win).</param>
    /// <param name="create">Builds a host from arguments (<see cref="GatewayHost.Create"/> with the content root); also
    /// used to check a desired version before restarting for it.</param>
    public ModuleTwinRunner(IModuleTwin twin, string[] arguments, Func<string[], GatewayHost> create, TextWriter output, TextWriter error)
    {
        _twin = twin ?? throw new ArgumentNullException(nameof(twin));
        _arguments = arguments ?? throw new ArgumentNullException(nameof(arguments));
        _create = create ?? throw new ArgumentNullException(nameof(create));
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _error = error ?? throw new ArgumentNullException(nameof(error));
    }

    /// <summary>
    /// How long a start waits for the twin before the gateway starts without it, on the last applied version (edgeHub
    /// restarting, IoT Hub out of reach after a power cut): alarms never wait for the cloud.
    /// </summary>
    public TimeSpan TwinWait { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>After such a start, how often the twin is tried again (once read, it is decided like a change).</summary>
    public TimeSpan TwinRetry { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The running gateway (after <see cref="StartAsync"/>).</summary>
    public GatewayHost Host => _host ?? throw new InvalidOperationException("not started");

    /// <summary>What the gateway runs with from the twin (null: none of it).</summary>
    public TwinDesired? Applied => _applied;

    /// <summary>Start, wait for the stop; the process's exit code (2: the base configuration itself is invalid).</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (GatewayConfigurationException exception)
        {
            await _error.WriteLineAsync(exception.Message).ConfigureAwait(false);
            return 2;
        }

        var host = Host;
        await using (host.ConfigureAwait(false))
        {
            await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }

        return Volatile.Read(ref _restarting) == 1 ? RestartExitCode : 0;
    }

    /// <summary>Decides the configuration, starts the gateway, reports, and watches the desired properties.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The base configuration first: it names the data directory (the twin may not move it) and must be valid alone.
        var dataDirectory = DataDirectoryOf(_create(_arguments));
        if (await TryReadDesiredAsync(cancellationToken).ConfigureAwait(false) is not { } desiredJson)
        {
            await StartWithoutTwinAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
            return;
        }

        var desired = TwinSettings.Read(desiredJson);
        var problems = desired.Problems.ToList();
        GatewayHost? host = null;
        if (problems.Count == 0)
        {
            host = TryCreate(desired, problems);
        }

        var status = TwinReport.Applied;
        if (host is not null)
        {
            _applied = desired;
            AppliedTwinFile.Write(dataDirectory, desired);
        }
        else
        {
            status = TwinReport.Rejected;
            await _error.WriteLineAsync($"module twin: desired version {desired.Version} refused: {string.Join("; ", problems)}").ConfigureAwait(false);
            var kept = AppliedTwinFile.Read(dataDirectory);
            host = kept is null ? null : TryCreate(kept, []);
            _applied = host is null ? null : kept;
            host ??= _create(_arguments);
        }

        _host = host;
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        await _output.WriteLineAsync(host.ReadyLine).ConfigureAwait(false);
        await ReportAsync(TwinReport.Build(status, desired.Version, _applied, problems, Runtime(host)), cancellationToken).ConfigureAwait(false);
        await _twin.WatchDesiredAsync(DesiredChangedQuietlyAsync, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string?> TryReadDesiredAsync(CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TwinWait);
        try
        {
            // WaitAsync: an SDK call that ignores its token still does not hold the start.
            return await _twin.ReadDesiredAsync(wait.Token).WaitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            await _error.WriteLineAsync($"module twin: not read within {TwinWait.TotalSeconds:0} s ({exception.GetType().Name}: {exception.Message})").ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>The gateway on the last applied version (or the base configuration) while the twin is out of reach.</summary>
    private async Task StartWithoutTwinAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var kept = AppliedTwinFile.Read(dataDirectory);
        var host = kept is null ? null : TryCreate(kept, []);
        _applied = host is null ? null : kept;
        host ??= _create(_arguments);
        _host = host;
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        await _output.WriteLineAsync(host.ReadyLine).ConfigureAwait(false);
        await _error.WriteLineAsync($"module twin: running on applied version {_applied?.Version.ToString() ?? "none (base configuration)"}; trying the twin again every {TwinRetry.TotalSeconds:0} s").ConfigureAwait(false);
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        _ = Task.Run(() => ReachTwinLaterAsync(stopping), CancellationToken.None);
    }

    private async Task ReachTwinLaterAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TwinRetry, stopping).ConfigureAwait(false);
                await DesiredChangedAsync(stopping).ConfigureAwait(false);
                await _twin.WatchDesiredAsync(() => DesiredChangedQuietlyAsync(), stopping).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                await _error.WriteLineAsync($"module twin: still out of reach ({exception.GetType().Name}: {exception.Message})").ConfigureAwait(false);
            }
        }
    }

    /// <summary>The SDK's callback: a failure is logged, never thrown into the SDK.</summary>
    private async Task DesiredChangedQuietlyAsync()
    {
        try
        {
            await DesiredChangedAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            await _error.WriteLineAsync($"module twin: desired change not handled ({exception.GetType().Name}: {exception.Message})").ConfigureAwait(false);
        }
    }

    /// <summary>A desired change: refused (reported, nothing else changes), the same as applied, or a restart for it.</summary>
    public async Task DesiredChangedAsync(CancellationToken cancellationToken)
    {
        await _decide.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _restarting) == 1)
            {
                return;
            }

            var desired = TwinSettings.Read(await _twin.ReadDesiredAsync(cancellationToken).ConfigureAwait(false));
            var problems = desired.Problems.ToList();
            if (problems.Count == 0 && SameSettings(desired, _applied))
            {
                _applied = desired;
                await ReportAsync(TwinReport.Build(TwinReport.Applied, desired.Version, _applied, [], Runtime(Host)), cancellationToken).ConfigureAwait(false);
                return;
            }

            if (problems.Count == 0)
            {
                var check = TryCreate(desired, problems);
                if (check is not null)
                {
                    await check.DisposeAsync().ConfigureAwait(false);
                }
            }

            if (problems.Count > 0)
            {
                await _error.WriteLineAsync($"module twin: desired version {desired.Version} refused, running on version {_applied?.Version}: {string.Join("; ", problems)}").ConfigureAwait(false);
                await ReportAsync(TwinReport.Build(TwinReport.Rejected, desired.Version, _applied, problems, null), cancellationToken).ConfigureAwait(false);
                return;
            }

            Volatile.Write(ref _restarting, 1);
            await _output.WriteLineAsync($"module twin: desired version {desired.Version} differs from the applied one: stopping so that IoT Edge starts the module with it").ConfigureAwait(false);
            await ReportAsync(TwinReport.Build(TwinReport.Restarting, desired.Version, _applied, [], null), cancellationToken).ConfigureAwait(false);
            await Host.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _decide.Release();
        }
    }

    private GatewayHost? TryCreate(TwinDesired desired, List<string> problems)
    {
        try
        {
            return _create([.. _arguments, .. desired.ToArguments()]);
        }
        catch (GatewayConfigurationException exception)
        {
            problems.AddRange(exception.Problems);
            return null;
        }
    }

    private static string DataDirectoryOf(GatewayHost probe)
    {
        try
        {
            return probe.Options.Store.DataDirectory;
        }
        finally
        {
            probe.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Nothing applied from the twin is the same as a twin that sets nothing.</summary>
    private static bool SameSettings(TwinDesired desired, TwinDesired? applied)
    {
        var current = applied?.Settings ?? new Dictionary<string, string>();
        return desired.Settings.Count == current.Count
            && desired.Settings.All(pair => current.TryGetValue(pair.Key, out var value) && value == pair.Value);
    }

    private static Dictionary<string, string> Runtime(GatewayHost host) => new(StringComparer.Ordinal)
    {
        ["mode"] = host.Options.Mqtt.Mode == BrokerMode.Embedded ? "embedded" : "external",
        ["mqttPort"] = host.MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["httpPort"] = host.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["gatewayId"] = host.Options.Forwarder.GatewayId,
        ["version"] = typeof(ModuleTwinRunner).Assembly.GetName().Version?.ToString() ?? "unknown",
    };

    /// <summary>A report that fails (edgeHub restarting) is logged, never a reason to stop: the gateway's job is the alarms.</summary>
    private async Task ReportAsync(string reported, CancellationToken cancellationToken)
    {
        try
        {
            await _twin.ReportAsync(reported, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            await _error.WriteLineAsync($"module twin: reporting failed ({exception.GetType().Name}): {exception.Message}").ConfigureAwait(false);
        }
    }
}
