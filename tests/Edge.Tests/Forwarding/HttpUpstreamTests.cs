using System.Net.Http.Json;
using Eldercare.CloudStub;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.Forwarding;

/// <summary>The synchronous path (the alarm lane's) against the real cloud stub, answer for answer like the async one.</summary>
[TestClass]
[TestCategory("Integration")]
public sealed class HttpUpstreamTests
{
    [TestMethod]
    public async Task SendAsync_OnAStreamsOwnThread_SameAnswersAsInThePoolAndOutageThrows()
    {
        using var directory = new TempDirectory("upstream");
        await using var stub = CloudStubHost.Create(["--urls=http://127.0.0.1:0", $"--CloudStub:DataDirectory={directory.Path}", "--CloudStub:PrintAlarms=false"], contentRoot: directory.Path);
        await stub.StartAsync();
        using var http = new HttpClient(HttpUpstream.CreateHandler(new UpstreamTlsOptions())) { Timeout = Timeout.InfiniteTimeSpan };
        var upstream = new HttpUpstream(http, new ForwarderOptions { CloudUrl = stub.Url });
        var first = new[] { TestEvents.Record("pendant-1", 1, EventTypes.Sos), TestEvents.Record("pendant-1", 2, EventTypes.Fall) };

        var sent = await OnOwnThreadAsync(() => upstream.SendAsync(first, CancellationToken.None));
        var again = await OnOwnThreadAsync(() => upstream.SendAsync(first, CancellationToken.None));
        var viaAsync = await upstream.SendAsync([TestEvents.Record("pendant-1", 3, EventTypes.Sos)], CancellationToken.None);

        CollectionAssert.AreEquivalent(new[] { "pendant-1:1:1", "pendant-1:1:2" }, sent.Accepted.ToArray());
        CollectionAssert.AreEquivalent(new[] { "pendant-1:1:1", "pendant-1:1:2" }, again.Accepted.ToArray(), "duplicates count as accepted");
        Assert.HasCount(1, viaAsync.Accepted);

        using var admin = new HttpClient { BaseAddress = new Uri(stub.Url) };
        (await admin.PostAsJsonAsync("/admin/fault", new { mode = "fail" })).EnsureSuccessStatusCode();
        Task<UpstreamAnswer>? outage = null;
        await OnOwnThreadAsync(() =>
        {
            outage = upstream.SendAsync([TestEvents.Record("pendant-1", 4, EventTypes.Sos)], CancellationToken.None);
            return Task.FromResult(0);
        });
        Assert.IsTrue(outage!.IsCompleted, "on a thread of its own the send is synchronous");
        await Assert.ThrowsExactlyAsync<UpstreamException>(() => outage, "a 503 from the upstream is an exception (retry), not an answer");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [TestMethod]
    public async Task Warm_OpensTheConnectionTheFirstSendUsesAndStoresNothing()
    {
        using var directory = new TempDirectory("upstream-warm");
        await using var stub = CloudStubHost.Create(["--urls=http://127.0.0.1:0", $"--CloudStub:DataDirectory={directory.Path}", "--CloudStub:PrintAlarms=false"], contentRoot: directory.Path);
        await stub.StartAsync();
        var connects = 0;
        var handler = HttpUpstream.CreateHandler(new UpstreamTlsOptions());
        handler.ConnectCallback = async (context, cancellationToken) =>
        {
            Interlocked.Increment(ref connects);
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var upstream = new HttpUpstream(http, new ForwarderOptions { CloudUrl = stub.Url });
        using var admin = new HttpClient { BaseAddress = new Uri(stub.Url) };

        await OnOwnThreadAsync(async () => { await upstream.WarmAsync(CancellationToken.None); return 0; });
        var connectsAfterWarm = Volatile.Read(ref connects);
        var afterWarm = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/events");
        var statsAfterWarm = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/stats");
        var sent = await OnOwnThreadAsync(() => upstream.SendAsync([TestEvents.Record("pendant-1", 1, EventTypes.Sos)], CancellationToken.None));

        Assert.AreEqual(1, connectsAfterWarm, "warming opened the connection");
        Assert.AreEqual(0, afterWarm.GetArrayLength(), "warming sends no event");
        Assert.AreEqual(1, statsAfterWarm.GetProperty("batches").GetInt64(), "warming posted one (empty) batch through the synchronous path");
        Assert.AreEqual(0, statsAfterWarm.GetProperty("badBatches").GetInt64(), "an empty batch is valid");
        Assert.HasCount(1, sent.Accepted);
        Assert.AreEqual(1, connects, "the first send reused the warmed connection");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [TestMethod]
    public async Task Warm_ClientDisposedUnderIt_ReturnsWithoutThrowing()
    {
        // The host stopping disposes the client while an alarm stream may still be warming.
        var http = new HttpClient(HttpUpstream.CreateHandler(new UpstreamTlsOptions())) { Timeout = Timeout.InfiniteTimeSpan };
        var upstream = new HttpUpstream(http, new ForwarderOptions { CloudUrl = $"http://127.0.0.1:{FreePort.Next()}", RequestTimeoutMilliseconds = 2000 });
        http.Dispose();

        await upstream.WarmAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [TestMethod]
    public async Task Warm_UpstreamDown_ReturnsWithoutThrowing()
    {
        using var http = new HttpClient(HttpUpstream.CreateHandler(new UpstreamTlsOptions())) { Timeout = Timeout.InfiniteTimeSpan };
        var upstream = new HttpUpstream(http, new ForwarderOptions { CloudUrl = $"http://127.0.0.1:{FreePort.Next()}", RequestTimeoutMilliseconds = 2000 });

        await upstream.WarmAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Runs <paramref name="call"/> on a thread of its own, marked so, as an alarm stream calls the upstream.</summary>
    private static Task<T> OnOwnThreadAsync<T>(Func<Task<T>> call)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                UpstreamCallContext.MarkCallerOwnsThread();
                done.SetResult(call().GetAwaiter().GetResult());
            }
            catch (Exception exception)
            {
                done.SetException(exception);
            }
        });
        thread.Start();
        return done.Task;
    }
}
