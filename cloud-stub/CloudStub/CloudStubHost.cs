using Eldercare.Firmware.Core.Events;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Eldercare.CloudStub;

/// <summary>
/// The cloud stub: an idempotent receiver of gateway batches with fault switches. <c>Program</c> runs it;
/// tests run it in-process the same way: <c>await using var stub = CloudStubHost.Create(["--urls=http://127.0.0.1:0"]); await stub.StartAsync();</c>.
/// </summary>
public sealed class CloudStubHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CloudStubHost(WebApplication app, CloudStubOptions options)
    {
        _app = app;
        Options = options;
    }

    public CloudStubOptions Options { get; }

    public FaultSwitch Faults => _app.Services.GetRequiredService<FaultSwitch>();

    public EventsDatabase Database => _app.Services.GetRequiredService<EventsDatabase>();

    public StubCounters Counters => _app.Services.GetRequiredService<StubCounters>();

    /// <summary>The MQTT consumer when <c>CloudStub:Mqtt:Host</c> is set, else null.</summary>
    public MqttConsumer? Consumer => _app.Services.GetService<MqttConsumer>();

    public AcknowledgementLedger Acknowledgements => _app.Services.GetRequiredService<AcknowledgementLedger>();

    public int Port { get; private set; }

    /// <summary>Base URL once started, e.g. http://127.0.0.1:5080.</summary>
    public string Url => $"{Scheme}://127.0.0.1:{Port}";

    /// <summary>http, or https when started with an https <c>--urls</c> (Kestrel certificate from configuration).</summary>
    public string Scheme { get; private set; } = "http";

    public string ReadyLine => $"cloud-stub ready http={Port}" + (_app.Services.GetRequiredService<JetStream.JetStreamOptions>().Enabled ? " jetstream=on" : string.Empty);

    public static CloudStubHost Create(string[] args, string? contentRoot = null, TextWriter? alarmOutput = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = contentRoot });
        var options = builder.Configuration.GetSection("CloudStub").Get<CloudStubOptions>() ?? new CloudStubOptions();
        var mqtt = builder.Configuration.GetSection("CloudStub:Mqtt").Get<MqttConsumerOptions>() ?? new MqttConsumerOptions();
        var jetStream = builder.Configuration.GetSection("CloudStub:JetStream").Get<JetStream.JetStreamOptions>() ?? new JetStream.JetStreamOptions();
        var problems = options.Validate().Concat(mqtt.Validate()).Concat(jetStream.Validate()).ToList();
        if (mqtt.Enabled && jetStream.Enabled)
        {
            problems.Add("CloudStub:Mqtt and CloudStub:JetStream are both set: the stub consumes one upstream kind at a time");
        }
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("invalid configuration:\n  " + string.Join("\n  ", problems));
        }

        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(CloudStubOptions.DefaultUrl);
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("NATS", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<FaultSwitch>();
        builder.Services.AddSingleton<StubCounters>();
        builder.Services.AddSingleton(_ => new EventsDatabase(options.DataDirectory));
        // After the events database: the ledger reads the events table that one creates.
        builder.Services.AddSingleton(services => new AcknowledgementLedger(options.DataDirectory, services.GetRequiredService<EventsDatabase>()));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new AlarmPrinter(alarmOutput ?? Console.Out, options.PrintAlarms));
        builder.Services.AddSingleton<EventIntake>();
        builder.Services.AddSingleton(mqtt);
        if (mqtt.Enabled)
        {
            // Consumer mode: events also come from the platform broker (cloud-stub/README.md "MQTT consumer").
            builder.Services.AddSingleton<MqttConsumer>();
            builder.Services.AddHostedService(services => services.GetRequiredService<MqttConsumer>());
        }

        builder.Services.AddSingleton(jetStream);
        if (jetStream.Enabled)
        {
            // JetStream consumer mode (cloud-stub/README.md): events from the cluster's stream, the feed back to it.
            builder.Services.AddSingleton(_ => new NATS.Client.Core.NatsConnection(new NATS.Client.Core.NatsOpts
            {
                Url = jetStream.Url!,
                Name = "eldercare-cloud-stub",
                RetryOnInitialConnect = true,
                ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
                ReconnectWaitMax = TimeSpan.FromSeconds(2),
            }));
            builder.Services.AddSingleton<JetStream.JetStreamEventConsumer>();
            builder.Services.AddHostedService(services => services.GetRequiredService<JetStream.JetStreamEventConsumer>());
            builder.Services.AddHostedService<JetStream.JetStreamFeedPublisher>();
        }

        var app = builder.Build();
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            app.Use(async (context, next) =>
            {
                var presented = context.Request.Headers["X-Api-Key"].ToString();
                if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
                    && !KeysEqual(presented, options.ApiKey))
                {
                    // Never log the presented key: a wrong key is often a real key of something else.
                    var counters = context.RequestServices.GetRequiredService<StubCounters>();
                    counters.CountRefused("unauthorized");
                    context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("CloudStub.Auth").LogWarning(
                        "refused {Method} {Path} from {Remote} unauthorized: {Why} X-Api-Key",
                        context.Request.Method, context.Request.Path.Value, context.Connection.RemoteIpAddress, presented.Length == 0 ? "missing" : "wrong");
                    context.Response.StatusCode = 401;
                    await context.Response.WriteAsJsonAsync(new { error = "unauthorized", detail = "missing or wrong X-Api-Key" });
                    return;
                }

                await next();
            });
        }

        EventsEndpoints.Map(app);
        AcknowledgementEndpoints.Map(app);
        ConfigurationEndpoints.Map(app);
        return new CloudStubHost(app, options);
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _ = _app.Services.GetRequiredService<EventsDatabase>();
        _ = _app.Services.GetRequiredService<AcknowledgementLedger>();
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        if (_app.Services.GetRequiredService<JetStream.JetStreamOptions>().Enabled)
        {
            // Ready means the streams exist: a gateway started next can publish at once.
            await _app.Services.GetRequiredService<JetStream.JetStreamEventConsumer>().StreamsReady.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        }

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Scheme = address.StartsWith("https", StringComparison.OrdinalIgnoreCase) ? "https" : "http";
        Port = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;
    }

    /// <summary>Constant-time comparison of the presented and the configured key (no timing oracle on the prefix).</summary>
    private static bool KeysEqual(string presented, string expected) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(presented), System.Text.Encoding.UTF8.GetBytes(expected));

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
