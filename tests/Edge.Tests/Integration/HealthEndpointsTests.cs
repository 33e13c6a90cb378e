using System.Net;
using System.Text.Json.Nodes;
using Eldercare.CloudStub;
using Eldercare.Edge.Gateway.Ingest;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Eldercare.Edge.Tests.Integration;

/// <summary>/health/live, /health/ready and /health on an in-process gateway and cloud stub (loopback, real SQLite).</summary>
[TestClass]
[TestCategory("Integration")]
public sealed class HealthEndpointsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [TestMethod]
    public async Task Endpoints_HealthyGateway_LiveReadyAndTheCombinedView()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0001"]);
        using var http = new HttpClient();
        var url = $"http://127.0.0.1:{stack.Gateway.HttpPort}";

        using var live = await http.GetAsync($"{url}/health/live");
        using var ready = await http.GetAsync($"{url}/health/ready");
        var combined = JsonNode.Parse(await http.GetStringAsync($"{url}/health"))!;

        Assert.AreEqual(HttpStatusCode.OK, live.StatusCode);
        Assert.AreEqual(HttpStatusCode.OK, ready.StatusCode, await ready.Content.ReadAsStringAsync());
        var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.AreEqual("ready", body["status"]!.GetValue<string>());
        StringAssert.StartsWith(body["checks"]!["broker"]!["detail"]!.GetValue<string>(), $"listening on 127.0.0.1:{stack.MqttPort}");
        Assert.AreEqual("writable", body["checks"]!["store"]!["detail"]!.GetValue<string>());
        Assert.AreEqual("ok", combined["status"]!.GetValue<string>(), "/health answers as before (run.sh, the fleet harness read it)");
        Assert.AreEqual(0L, combined["pending"]!.GetValue<long>());
        Assert.IsTrue(combined["ready"]!.GetValue<bool>());
        Assert.IsTrue(combined["live"]!.GetValue<bool>());
    }

    [TestMethod]
    public async Task Ready_UpstreamFailing_503WithTheReasonThenReadyWhenItAnswers()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0001"]);
        using var http = new HttpClient();
        var url = $"http://127.0.0.1:{stack.Gateway.HttpPort}/health/ready";
        stack.Cloud.Faults.Set(FaultMode.Fail, 0);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await IngestAsync(stack, "pendant-0001", 1);
        var notReady = await Eventually.WaitAsync(() => ReadyAsync(http, url), r => r.Status == HttpStatusCode.ServiceUnavailable, Timeout, "not ready while the upstream fails");
        var notReadyAfter = clock.Elapsed;
        stack.Cloud.Faults.Set(FaultMode.None, 0);
        clock.Restart();
        var ready = await Eventually.WaitAsync(() => ReadyAsync(http, url), r => r.Status == HttpStatusCode.OK, Timeout, "ready once the upstream answers");
        // The figures of docs/reliability.md "Readiness" (poll resolution 10-100 ms).
        System.Console.WriteLine($"figure: not ready {notReadyAfter.TotalMilliseconds:0} ms after an alarm met a failing upstream, ready {clock.Elapsed.TotalMilliseconds:0} ms after it answered again");

        Assert.AreEqual("not_ready", notReady.Body["status"]!.GetValue<string>());
        var reason = notReady.Body["reasons"]!.AsArray().Single()!.GetValue<string>();
        StringAssert.StartsWith(reason, "upstream: http: down for ");
        StringAssert.Contains(reason, "last error answer: upstream answered 500");
        StringAssert.StartsWith(ready.Body["checks"]!["upstream"]!["detail"]!.GetValue<string>(), "http: up for ");
    }

    [TestMethod]
    public async Task Ready_UpstreamUnreachable_ConnectionReason()
    {
        var closed = FreePort.Next();
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0001"], $"--Gateway:Forwarder:CloudUrl=http://127.0.0.1:{closed}");
        using var http = new HttpClient();
        var url = $"http://127.0.0.1:{stack.Gateway.HttpPort}/health/ready";

        await IngestAsync(stack, "pendant-0001", 1);
        var notReady = await Eventually.WaitAsync(() => ReadyAsync(http, url), r => r.Status == HttpStatusCode.ServiceUnavailable, Timeout, "not ready: nothing listens upstream");

        StringAssert.Contains(notReady.Body["checks"]!["upstream"]!["detail"]!.GetValue<string>(), "last error connection: ");
        StringAssert.Contains(stack.Gateway.Services.GetRequiredService<Eldercare.Edge.Gateway.Metrics.UpstreamMetrics>().ToPrometheusText(), "gateway_upstream_up{kind=\"http\"} 0\n");
    }

    [TestMethod]
    public async Task Ready_StoreCommitFails_503UntilACommitSucceeds()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0001"]);
        using var http = new HttpClient();
        var url = $"http://127.0.0.1:{stack.Gateway.HttpPort}/health/ready";
        var store = stack.Gateway.Services.GetRequiredService<IEventAppender>();

        // Another process holding the database's write lock past the store's busy timeout (5 s): the commit fails,
        // nobody is acknowledged, and the store is not writable (the same path as a full disk or an I/O error).
        using (var holder = new SqliteConnection($"Data Source={stack.DatabasePath};Pooling=False"))
        {
            holder.Open();
            using (var lockIt = holder.CreateCommand())
            {
                lockIt.CommandText = "PRAGMA busy_timeout=5000; BEGIN EXCLUSIVE;";
                lockIt.ExecuteNonQuery();
            }

            await Assert.ThrowsExactlyAsync<SqliteException>(() => store.AppendAsync(TestEvents.Record("pendant-0001", 1, EventTypes.Heartbeat), CancellationToken.None));
            var notReady = await ReadyAsync(http, url);

            Assert.AreEqual(HttpStatusCode.ServiceUnavailable, notReady.Status);
            var reason = notReady.Body["reasons"]!.AsArray().Single()!.GetValue<string>();
            StringAssert.StartsWith(reason, "store: the last commit failed: ");
            StringAssert.Contains(reason, "database is locked");
            using var rollback = holder.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }

        Assert.AreEqual(AppendOutcome.Stored, await store.AppendAsync(TestEvents.Record("pendant-0001", 2, EventTypes.Heartbeat), CancellationToken.None));
        Assert.AreEqual(HttpStatusCode.OK, (await ReadyAsync(http, url)).Status);
    }

    private static async Task IngestAsync(EdgeStack stack, string device, int seq)
    {
        var payload = EventCodec.Encode(TestEvents.Make(device, seq));
        var result = await stack.Gateway.Services.GetRequiredService<EventIngestor>().IngestAsync(device, payload, CancellationToken.None);
        Assert.AreEqual(IngestOutcome.Stored, result.Outcome);
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> ReadyAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }
}
