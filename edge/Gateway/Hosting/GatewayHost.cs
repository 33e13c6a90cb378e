using Eldercare.Edge.Gateway.Broker;
using Eldercare.Edge.Gateway.Broker.Sessions;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Console;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Health;
using Eldercare.Edge.Gateway.Ingest;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.Edge.Gateway.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Hosting;

// Size (~400 lines): one job, the composition root: options, services and endpoints wired in one place so a reader
// sees every part and its dependencies. It grew with sessions, acknowledgements and device health; features wire
// themselves with one AddX(services, options) each (AddDeviceHealth here, Console/ConsoleSetup for the console: four
// calls); the next split moves the broker's and the forwarder's registrations out the same way.
/// <summary>
/// Wires the gateway (STYLE.md habit 4: only here are clients, servers and loops created) and runs it.
/// <c>Program</c> uses it, and in-process tests use it the same way:
/// <c>await using var gw = GatewayHost.Create(args); await gw.StartAsync();</c>.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, GatewayOptions options)
    {
        _app = app;
        Options = options;
    }

    public GatewayOptions Options { get; }

    public IServiceProvider Services => _app.Services;

    public GatewayMetrics Metrics => _app.Services.GetRequiredService<GatewayMetrics>();

    public SqliteEventStore Store => _app.Services.GetRequiredService<SqliteEventStore>();

    /// <summary>Where the coming features send a downlink to a device (embedded: the gateway's own sessions; external:
    /// published through mosquitto, which holds the sessions).</summary>
    public IDownlinks Downlinks => _app.Services.GetRequiredService<IDownlinks>();

    /// <summary>The HTTP console's port once started (useful with <c>Gateway:Http:Port=0</c>).</summary>
    public int HttpPort { get; private set; }

    public int MqttPort => Options.Mqtt.Mode == BrokerMode.Embedded ? Options.Mqtt.Port : Options.Mqtt.ExternalPort;

    /// <summary>The line operators and process tests wait for.</summary>
    public string ReadyLine => $"gateway ready mqtt={MqttPort} http={HttpPort} mode={Options.Mqtt.Mode.ToString().ToLowerInvariant()}"
        + (Options.Mqtt.Mode == BrokerMode.Embedded && Options.Mqtt.TlsPort != 0 ? $" mqtts={Options.Mqtt.TlsPort}" : string.Empty);

    /// <summary>Builds the host; throws <see cref="GatewayConfigurationException"/> on invalid configuration.</summary>
    /// <param name="args">Command line, e.g. <c>--Gateway:Mqtt:Port=1884</c>.</param>
    /// <param name="contentRoot">Where appsettings.json is looked up (default: the current directory).</param>
    /// <param name="configureLogging">Extra logging setup (tests capture lines).</param>
    /// <param name="time">The gateway's clock (TimeProvider.System when null): tests pass a fake one to move timers
    /// (keep alive, store maintenance, rejection windows) instead of waiting for them.</param>
    public static GatewayHost Create(string[] args, string? contentRoot = null, Action<ILoggingBuilder>? configureLogging = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = contentRoot });
        // Under systemd (deploy/eldercare-gateway.service, Type=notify): READY=1 once started, STOPPING=1 on stop, journald's
        // log format; started any other way it changes nothing.
        builder.Host.UseSystemd();
        GatewayOptions options;
        try
        {
            options = GatewayOptions.Bind(builder.Configuration);
        }
        catch (InvalidOperationException exception)
        {
            // ConfigurationBinder: "Failed to convert configuration value 'abc' at 'Gateway:Mqtt:Port' to type 'System.Int32'."
            throw new GatewayConfigurationException([exception.Message]);
        }

        UpstreamTlsOptions upstreamTls;
        try
        {
            upstreamTls = builder.Configuration.GetSection("Gateway:UpstreamTls").Get<UpstreamTlsOptions>() ?? new UpstreamTlsOptions();
        }
        catch (InvalidOperationException exception)
        {
            throw new GatewayConfigurationException([exception.Message]);
        }

        var upstream = UpstreamSetup.Bind(builder.Configuration, options.Forwarder.GatewayId, out var upstreamProblems);
        var problems = options.Validate().Concat(upstreamTls.Validate()).Concat(upstreamProblems).Concat(RemovedSettings(builder.Configuration)).ToList();
        if (problems.Count > 0)
        {
            throw new GatewayConfigurationException(problems);
        }

        // Gateway:Ingest (clock-skew tolerance), bound here like UpstreamTls: its type lives with the ingest code.
        IngestOptions ingestOptions;
        try
        {
            ingestOptions = builder.Configuration.GetSection("Gateway:Ingest").Get<IngestOptions>() ?? new IngestOptions();
        }
        catch (InvalidOperationException exception)
        {
            throw new GatewayConfigurationException([exception.Message]);
        }

        var ingestProblems = ingestOptions.Validate().ToList();
        if (ingestProblems.Count > 0)
        {
            throw new GatewayConfigurationException(ingestProblems);
        }

        var healthOptions = BindDeviceHealth(builder.Configuration, options.Forwarder.GatewayId);
        var consoleOptions = ConsoleSetup.Bind(builder.Configuration);
        if (consoleOptions.Enabled && consoleOptions.Port == options.Http.Port)
        {
            throw new GatewayConfigurationException([$"Gateway:Console:Port {consoleOptions.Port} is also Gateway:Http:Port: the console needs its own port"]);
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        builder.Logging.AddFilter("NATS", LogLevel.Warning);
        configureLogging?.Invoke(builder.Logging);
        builder.WebHost.UseUrls([$"http://{options.Http.BindAddress}:{options.Http.Port}", .. ConsoleSetup.Url(consoleOptions) is { } consoleUrl ? [consoleUrl] : Array.Empty<string>()]);

        var services = builder.Services;
        services.AddSingleton(options.Mqtt);
        services.AddSingleton(options.Store);
        services.AddSingleton(options.Forwarder);
        services.AddSingleton(options.Registry);
        services.AddSingleton(options.Http);
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<StoreMetrics>();
        services.AddSingleton<UpstreamMetrics>();
        services.AddSingleton(ingestOptions);
        services.AddSingleton<ClockSkewMonitor>();
        services.AddSingleton(sp =>
        {
            var admission = new TelemetryAdmission(ingestOptions, sp.GetRequiredService<TimeProvider>());
            sp.GetRequiredService<GatewayMetrics>().TelemetryWaiting = () => admission.Waiting;
            return admission;
        });
        // Lanes are data (Store/LaneSet.cs): the store writes their codes and shards, the forwarder runs their streams.
        services.AddSingleton(LaneSet.Create(options.Forwarder));
        services.AddSingleton(sp =>
        {
            var store = SqliteEventStore.Open(options.Store, sp.GetRequiredService<LaneSet>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<SqliteEventStore>(), sp.GetRequiredService<StoreMetrics>(), sp.GetRequiredService<TimeProvider>());
            var metrics = sp.GetRequiredService<GatewayMetrics>();
            metrics.QueueDepth = () => store.QueueDepth;
            metrics.Pending = () => store.PendingCount;
            return store;
        });
        // One store, seen by each part through the narrow interface it needs.
        services.AddSingleton<IEventAppender>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.AddSingleton<IForwardQueues>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.AddSingleton<ISequenceMarkSource>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.AddSingleton<IStoreStatus>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.AddSingleton(_ => new DeviceAuthenticator(DeviceRegistryFile.Load(options.Registry.Path), options.Registry));
        // Ingest hands each alarm to its alarm stream as it stores it (edge/README.md "Alarm express path").
        services.AddSingleton(sp =>
        {
            var queues = sp.GetRequiredService<IForwardQueues>();
            var express = new AlarmExpress(queues.Lanes.Alarm.Shards, shard => queues.Get(queues.Lanes.Alarm, shard).NewEvents.Set());
            sp.GetRequiredService<GatewayMetrics>().AlarmExpressClosures = () => express.Closures;
            return express;
        });
        services.AddSingleton(sp => new RejectionLog(sp.GetRequiredService<ILogger<EventIngestor>>(), sp.GetRequiredService<TimeProvider>(), TimeSpan.FromSeconds(ingestOptions.RejectionLogWindowSeconds), ingestOptions.RejectionLogLinesPerWindow));
        // Every part ingest needs is passed in, none made up inside: the express path is the forwarder's own instance.
        services.AddSingleton(sp => new EventIngestor(
            sp.GetRequiredService<IEventAppender>(),
            sp.GetRequiredService<ISequenceMarkSource>(),
            sp.GetRequiredService<GatewayMetrics>(),
            sp.GetRequiredService<ILogger<EventIngestor>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ClockSkewMonitor>(),
            sp.GetRequiredService<TelemetryAdmission>(),
            sp.GetRequiredService<AlarmExpress>(),
            sp.GetRequiredService<RejectionLog>(),
            sp.GetRequiredService<DeviceFacts>(),
            sp.GetRequiredService<IDeviceActivity>()));
        services.AddSingleton<DeviceFacts>();
        AddDeviceHealth(services, healthOptions, options);
        ConsoleSetup.AddConsole(services, consoleOptions, options);
        // Registry edits (devices add, a disabled flag) apply without a restart; see edge/README.md "Security".
        services.AddSingleton<RegistryWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<RegistryWatcher>());
        // Whichever upstream is configured, observed the same way (Forwarding/ObservedUpstream.cs: latency, state, events out).
        services.AddSingleton(sp => new Forwarder(
            sp.GetRequiredService<IForwardQueues>(),
            new ObservedUpstream(sp.GetRequiredService<IUpstream>(), sp.GetRequiredService<UpstreamMetrics>(), sp.GetRequiredService<TimeProvider>()),
            options.Forwarder,
            sp.GetRequiredService<GatewayMetrics>(),
            sp.GetRequiredService<ILogger<Forwarder>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<AlarmExpress>()));
        services.AddHostedService(sp => sp.GetRequiredService<Forwarder>());
        if (options.Mqtt.Mode == BrokerMode.Embedded)
        {
            // Sessions and downlinks: sessions.db beside events.db (its own file and writer; edge/README.md "Downlinks").
            services.AddSingleton(sp =>
            {
                var time = sp.GetRequiredService<TimeProvider>();
                return SessionStore.Open(options.Store.DataDirectory, time.GetUtcNow().ToUnixTimeMilliseconds());
            });
            services.AddSingleton(sp =>
            {
                var authenticator = sp.GetRequiredService<DeviceAuthenticator>();
                return new DeviceSessions(
                    sp.GetRequiredService<SessionStore>(),
                    id => authenticator.TryGetDevice(id, out _),
                    options.Mqtt.MaxQueuedDownlinksPerDevice,
                    sp.GetRequiredService<GatewayMetrics>(),
                    sp.GetRequiredService<ILogger<DeviceSessions>>(),
                    sp.GetRequiredService<TimeProvider>());
            });
            services.AddSingleton(sp => sp.GetRequiredService<DeviceSessions>().Downlinks);
            services.AddSingleton(sp =>
            {
                var broker = ActivatorUtilities.CreateInstance<DeviceBroker>(sp);
                sp.GetRequiredService<GatewayMetrics>().DevicesConnected = () => broker.ConnectedDevices;
                return broker;
            });
            services.AddHostedService(sp => sp.GetRequiredService<DeviceBroker>());
        }
        else
        {
            services.AddSingleton<ExternalBrokerIngest>();
            services.AddHostedService(sp => sp.GetRequiredService<ExternalBrokerIngest>());
            // Downlinks through mosquitto, which holds the device sessions in this mode (Broker/ExternalDownlinks.cs).
            services.AddSingleton<IDownlinks>(sp =>
            {
                var authenticator = sp.GetRequiredService<DeviceAuthenticator>();
                return new ExternalDownlinks(sp.GetRequiredService<ExternalBrokerIngest>(), id => authenticator.TryGetDevice(id, out _),
                    sp.GetRequiredService<GatewayMetrics>(), sp.GetRequiredService<ILogger<ExternalDownlinks>>());
            });
        }

        // The upstream (HTTP, MQTT or JetStream) and the platform's feed back to the devices: Hosting/UpstreamSetup.cs.
        UpstreamSetup.AddUpstream(services, upstream, options.Forwarder, upstreamTls, options.Store.DataDirectory);
        AddWatchdog(services, options.Mqtt.Mode);
        HealthEndpoints.AddHealth(services, options);

        var app = builder.Build();
        ConsoleSetup.UseConsole(app);
        HealthEndpoints.MapHealth(app, options);
        app.MapGet("/metrics", (GatewayMetrics metrics, StoreMetrics storeMetrics, ClockSkewMonitor skew, UpstreamMetrics upstream, SqliteEventStore store, TimeProvider time) =>
            Results.Text(metrics.ToPrometheusText() + storeMetrics.ToPrometheusText() + LaneDepth.ToPrometheusText(store.ReadLaneDepths(), time.GetUtcNow().ToUnixTimeMilliseconds())
                + upstream.ToPrometheusText() + skew.ToPrometheusText(), "text/plain; version=0.0.4"));
        return new GatewayHost(app, options);
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        // Open the store and the registry before any listener, so a bad file fails the start, not the first device.
        _ = _app.Services.GetRequiredService<SqliteEventStore>();
        _ = _app.Services.GetRequiredService<DeviceAuthenticator>();
        // Device health's state before any device connects: a connect or an event lands on what the last run left.
        _ = _app.Services.GetRequiredService<DeviceHealthMonitor>();
        ConsoleSetup.Open(_app.Services);
        if (Options.Mqtt.Mode == BrokerMode.Embedded)
        {
            // Sessions too: one left by the last run may have expired while the gateway was down (counted at load).
            _ = _app.Services.GetRequiredService<DeviceSessions>();
        }
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        // The console's own listener (when on) is not the HTTP port.
        var consolePort = _app.Services.GetRequiredService<ConsoleOptions>() is { Enabled: true } console ? console.Port : -1;
        HttpPort = (addresses ?? []).Select(a => new Uri(a.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal)).Port)
            .FirstOrDefault(port => port != consolePort);
    }

    /// <summary>External mode: completes when the gateway is subscribed at the broker.</summary>
    public Task WaitUntilSubscribedAsync() =>
        Options.Mqtt.Mode == BrokerMode.External
            ? _app.Services.GetRequiredService<ExternalBrokerIngest>().Subscribed
            : Task.CompletedTask;

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Gateway:DeviceHealth, bound and validated here like Gateway:Ingest: its type lives with its feature.</summary>
    private static DeviceHealthOptions BindDeviceHealth(IConfiguration configuration, string gatewayId)
    {
        DeviceHealthOptions health;
        try
        {
            health = configuration.GetSection("Gateway:DeviceHealth").Get<DeviceHealthOptions>() ?? new DeviceHealthOptions();
        }
        catch (InvalidOperationException exception)
        {
            throw new GatewayConfigurationException([exception.Message]);
        }

        var problems = health.Validate(gatewayId).ToList();
        return problems.Count > 0 ? throw new GatewayConfigurationException(problems) : health;
    }

    /// <summary>
    /// Device offline (edge/README.md "Device offline"): its state file beside the store, its events through the store's
    /// append (the one seam, <see cref="IGatewayEventAppender"/>), the brokers' reports, the pass once a second.
    /// </summary>
    private static void AddDeviceHealth(IServiceCollection services, DeviceHealthOptions health, GatewayOptions options)
    {
        services.AddSingleton(health);
        services.AddSingleton(_ => HealthStateStore.Open(options.Store.DataDirectory));
        services.AddSingleton<IGatewayEventAppender>(sp => new StoreGatewayEventAppender(sp.GetRequiredService<IEventAppender>()));
        services.AddSingleton(sp =>
        {
            var authenticator = sp.GetRequiredService<DeviceAuthenticator>();
            if (authenticator.TryGetDevice(options.Forwarder.GatewayId, out _))
            {
                throw new GatewayConfigurationException([$"Gateway:Forwarder:GatewayId '{options.Forwarder.GatewayId}' is also a device id in the registry: the gateway's own events would share that device's ids"]);
            }

            var state = sp.GetRequiredService<HealthStateStore>();
            var writer = new GatewayEventWriter(options.Forwarder.GatewayId, state, sp.GetRequiredService<IGatewayEventAppender>(),
                sp.GetRequiredService<GatewayMetrics>(), sp.GetRequiredService<ILogger<DeviceHealthMonitor>>());
            var monitor = new DeviceHealthMonitor(health, writer, state,
                id => authenticator.TryGetDevice(id, out var device) && device.Enabled, sp.GetRequiredService<TimeProvider>());
            sp.GetRequiredService<GatewayMetrics>().DevicesOffline = () => monitor.OfflineCount;
            return monitor;
        });
        services.AddSingleton<IDeviceActivity>(sp => sp.GetRequiredService<DeviceHealthMonitor>());
        services.AddSingleton<DeviceHealthService>();
        services.AddHostedService(sp => sp.GetRequiredService<DeviceHealthService>());
    }

    /// <summary>
    /// The systemd watchdog (Hosting/SystemdWatchdog.cs), registered last so the parts it checks have started: the store
    /// commits while writes wait, the forwarder's stream loops and the embedded broker's accept loops run.
    /// </summary>
    private static void AddWatchdog(IServiceCollection services, BrokerMode mode)
    {
        services.AddHostedService(sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>();
            var checks = HealthEndpoints.LivenessChecks(sp, mode);
            var interval = SystemdWatchdog.IntervalFromEnvironment(Environment.GetEnvironmentVariable, Environment.ProcessId);
            return new SystemdWatchdog(sp.GetService<Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier>(), interval, checks, time, sp.GetRequiredService<ILogger<SystemdWatchdog>>());
        });
    }

    /// <summary>
    /// Settings of the MQTTnet server engine, removed with it (issue 12: one MQTT engine). The configuration binder
    /// ignores unknown keys, so without this an installer's old setting would silently do nothing.
    /// </summary>
    private static IEnumerable<string> RemovedSettings(IConfiguration configuration)
    {
        foreach (var key in new[] { "Gateway:Mqtt:Engine", "Gateway:Mqtt:MaxPendingMessagesPerClient" })
        {
            if (configuration[key] is not null)
            {
                yield return $"{key} was removed: the gateway's own listener is its only embedded MQTT engine (edge/README.md); delete the setting";
            }
        }
    }
}
