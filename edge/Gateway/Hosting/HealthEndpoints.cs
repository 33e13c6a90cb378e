using Eldercare.Edge.Gateway.Broker;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Health;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Eldercare.Edge.Gateway.Hosting;

/// <summary>
/// <c>/health/live</c> (the process and its worker loops run: the systemd watchdog's own checks; 503 means restart it),
/// <c>/health/ready</c> (store writable, broker listening, upstream reachable, each with its detail; 503 with the reasons
/// when one is not), and <c>/health</c> as before (always 200 while the process answers, now with both verdicts), on
/// the gateway's HTTP port (edge/README.md "Endpoints").
/// </summary>
public static class HealthEndpoints
{
    /// <summary>The checks behind both endpoints, registered with the gateway's services.</summary>
    public static void AddHealth(IServiceCollection services, GatewayOptions options)
    {
        services.AddSingleton(sp => new GatewayLiveness(LivenessChecks(sp, options.Mqtt.Mode)));
        services.AddSingleton(sp =>
        {
            var store = sp.GetRequiredService<SqliteEventStore>();
            var time = sp.GetRequiredService<TimeProvider>();
            var storeReadiness = new StoreReadiness(() => store.WriterRunning, () => store.LastCommitError, () => store.CommitCount, () => store.QueueDepth, options.Store.DataDirectory, time);
            var upstream = new UpstreamReadiness(sp.GetRequiredService<UpstreamMetrics>(), time);
            return new GatewayReadiness(
            [
                new ReadinessCheck("store", storeReadiness.Check),
                new ReadinessCheck("broker", BrokerCheck(sp, options.Mqtt)),
                new ReadinessCheck("upstream", upstream.Check),
            ]);
        });
    }

    /// <summary>
    /// The parts the systemd watchdog vouches for (Hosting/SystemdWatchdog.cs): the store commits while writes wait, the
    /// forwarder's stream loops and the embedded broker's accept loops run. A new set per caller (their checks keep state).
    /// </summary>
    public static IReadOnlyList<LivenessCheck> LivenessChecks(IServiceProvider services, BrokerMode mode)
    {
        var store = services.GetRequiredService<SqliteEventStore>();
        var time = services.GetRequiredService<TimeProvider>();
        var storeCheck = new StoreProgressCheck(() => store.CommitCount, () => store.QueueDepth, () => store.WriterRunning, time, TimeSpan.FromSeconds(20));
        var forwarder = services.GetRequiredService<Forwarder>();
        var checks = new List<LivenessCheck>
        {
            new("store", storeCheck.Problem),
            new("forwarder", () => forwarder.ExecuteTask is { IsCompleted: false } ? null : "its stream loops are not running"),
        };
        if (mode == BrokerMode.Embedded)
        {
            var broker = services.GetRequiredService<DeviceBroker>();
            checks.Add(new("broker", broker.AcceptLoopProblem));
        }

        return checks;
    }

    public static void MapHealth(WebApplication app, GatewayOptions options)
    {
        app.MapGet("/health", (IStoreStatus store, GatewayLiveness live, GatewayReadiness ready) => Results.Json(new
        {
            status = "ok",
            mode = options.Mqtt.Mode.ToString().ToLowerInvariant(),
            pending = store.PendingCount,
            queueDepth = store.QueueDepth,
            live = live.Problems().Count == 0,
            ready = ready.Evaluate().All(c => c.Finding.Ready),
        }));
        app.MapGet("/health/live", (GatewayLiveness live) =>
        {
            var problems = live.Problems();
            return problems.Count == 0
                ? Results.Json(new { status = "live" })
                : Results.Json(new { status = "not_live", reasons = problems }, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        app.MapGet("/health/ready", (GatewayReadiness ready) =>
        {
            var findings = ready.Evaluate();
            var isReady = findings.All(f => f.Finding.Ready);
            var body = new
            {
                status = isReady ? "ready" : "not_ready",
                checks = findings.ToDictionary(f => f.Name, f => new { ready = f.Finding.Ready, detail = f.Finding.Detail }),
                reasons = findings.Where(f => !f.Finding.Ready).Select(f => $"{f.Name}: {f.Finding.Detail}").ToList(),
            };
            return Results.Json(body, statusCode: isReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
    }

    private static Func<ReadinessFinding> BrokerCheck(IServiceProvider services, MqttOptions mqtt)
    {
        if (mqtt.Mode == BrokerMode.Embedded)
        {
            var broker = services.GetRequiredService<DeviceBroker>();
            return () => broker.AcceptLoopProblem() is { } problem
                ? ReadinessFinding.NotReady($"device listener: {problem}")
                : ReadinessFinding.Ok($"listening on {mqtt.BindAddress}:{mqtt.Port}{(mqtt.TlsPort != 0 ? $" and TLS {mqtt.TlsPort}" : string.Empty)}, {broker.ConnectedDevices} devices connected");
        }

        var external = services.GetRequiredService<ExternalBrokerIngest>();
        return () => external.Connected
            ? ReadinessFinding.Ok($"connected to {mqtt.ExternalHost}:{mqtt.ExternalPort}")
            : ReadinessFinding.NotReady($"not connected to the external broker at {mqtt.ExternalHost}:{mqtt.ExternalPort}");
    }
}
