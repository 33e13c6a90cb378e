using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Eldercare.CloudStub;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.CloudStub;

/// <summary>The cloud stub over real HTTP on a loopback port 0.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class CloudStubTests
{
    private static async Task<(CloudStubHost Stub, TempDirectory Directory, HttpClient Http)> StartAsync(params string[] args)
    {
        var directory = new TempDirectory("stub");
        var stub = CloudStubHost.Create(["--urls=http://127.0.0.1:0", $"--CloudStub:DataDirectory={directory.Path}", "--CloudStub:PrintAlarms=false", .. args], contentRoot: directory.Path);
        await stub.StartAsync();
        return (stub, directory, new HttpClient { BaseAddress = new Uri(stub.Url) });
    }

    private static async Task StopAsync((CloudStubHost Stub, TempDirectory Directory, HttpClient Http) s)
    {
        s.Http.Dispose();
        await s.Stub.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        s.Directory.Dispose();
    }

    private static object Event(string dev, int seq, string type = "sos") => new
    {
        id = $"{dev}:1:{seq}", dev, type, lane = type == "heartbeat" ? "telemetry" : "alarm", boot = 1, seq, ts = 1_763_870_000_000L, rx = 1_763_870_000_010L, payload = "{}",
    };

    private static async Task<JsonElement> PostAsync(HttpClient http, params object[] events)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/events", new { gateway = "gw-test", events });
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [TestMethod]
    public async Task Post_SameBatchTwice_StoredOnceThenDuplicates()
    {
        var s = await StartAsync();
        try
        {
            var first = await PostAsync(s.Http, Event("p-1", 1), Event("p-1", 2, "heartbeat"));
            var second = await PostAsync(s.Http, Event("p-1", 1), Event("p-1", 2, "heartbeat"));
            var listed = await s.Http.GetFromJsonAsync<JsonElement>("/api/v1/events?dev=p-1");

            Assert.AreEqual(2, first.GetProperty("stored").GetArrayLength());
            Assert.AreEqual(0, second.GetProperty("stored").GetArrayLength());
            Assert.AreEqual(2, second.GetProperty("duplicates").GetArrayLength());
            Assert.AreEqual(2, listed.GetArrayLength());
            Assert.IsTrue(listed[0].GetProperty("cloudRx").GetInt64() > 0);
        }
        finally
        {
            await StopAsync(s);
        }
    }

    [TestMethod]
    public async Task Post_HeartbeatWithItsPeriod_StoredAndListedWithIt()
    {
        var s = await StartAsync();
        try
        {
            var device = new Eldercare.Firmware.Core.Events.DeviceEvent("p-1", 1, 7, "heartbeat", 1_763_870_000_000) { BatteryPercent = 80, FirmwareVersion = "1.4.0", HeartbeatSeconds = 3600 };
            var payload = Eldercare.Firmware.Core.Events.EventCodec.EncodeToString(device);
            var heartbeat = new { id = device.Id, dev = "p-1", type = "heartbeat", lane = "telemetry", boot = 1, seq = 7, ts = device.TimestampUnixMilliseconds, rx = 1_763_870_000_010L, payload };

            var answer = await PostAsync(s.Http, heartbeat);
            var listed = await s.Http.GetFromJsonAsync<JsonElement>("/api/v1/events?dev=p-1");

            Assert.AreEqual(device.Id, answer.GetProperty("stored")[0].GetString());
            StringAssert.Contains(payload, "\"hbs\":3600");
            Assert.AreEqual(3600, listed[0].GetProperty("payload").GetProperty("hbs").GetInt32(), "listed with the device's payload");
        }
        finally
        {
            await StopAsync(s);
        }
    }

    [TestMethod]
    public async Task Post_SameIdOtherPayload_KeptUnderDerivedIdCountedAndReported()
    {
        var s = await StartAsync();
        try
        {
            var heartbeat = new { id = "p-1:1:42", dev = "p-1", type = "heartbeat", lane = "telemetry", boot = 1, seq = 42, ts = 1L, rx = 2L, payload = "{\"type\":\"heartbeat\"}" };
            var sos = new { id = "p-1:1:42", dev = "p-1", type = "sos", lane = "alarm", boot = 1, seq = 42, ts = 1L, rx = 2L, payload = "{\"type\":\"sos\"}" };
            await PostAsync(s.Http, heartbeat);

            var answer = await PostAsync(s.Http, sos);
            var again = await PostAsync(s.Http, sos);
            var listed = await s.Http.GetFromJsonAsync<JsonElement>("/api/v1/events?dev=p-1");

            var derived = Eldercare.Firmware.Core.Events.EventIdentity.MakeConflictId("p-1:1:42", Eldercare.Firmware.Core.Events.EventIdentity.PayloadDigest(sos.payload));
            Assert.AreEqual("p-1:1:42", answer.GetProperty("stored")[0].GetString(), "done for the gateway");
            Assert.AreEqual(derived, answer.GetProperty("conflicts")[0].GetProperty("storedAs").GetString());
            Assert.AreEqual(1, again.GetProperty("duplicates").GetArrayLength(), "a resend of the conflicting payload is a duplicate");
            Assert.AreEqual(2, listed.GetArrayLength());
            var kept = listed.EnumerateArray().Single(e => e.GetProperty("type").GetString() == "sos");
            Assert.AreEqual(derived, kept.GetProperty("id").GetString());
            Assert.AreEqual("id_conflict", kept.GetProperty("fault").GetString());
            Assert.AreEqual("p-1:1:42", kept.GetProperty("conflictOf").GetString());
            Assert.AreEqual(1, s.Stub.Counters.IdConflicts);
        }
        finally
        {
            await StopAsync(s);
        }
    }

    [TestMethod]
    public async Task Post_AfterRestartOnTheSameStore_ResendDuplicateOtherPayloadDerivedAndAcknowledgeable()
    {
        // The stored ids are kept in memory (no unique index): a restarted stub must know them from cloud.db.
        using var directory = new TempDirectory("stub");
        string[] args = ["--urls=http://127.0.0.1:0", $"--CloudStub:DataDirectory={directory.Path}", "--CloudStub:PrintAlarms=false"];
        var sos = new { id = "p-1:1:5", dev = "p-1", type = "sos", lane = "alarm", boot = 1, seq = 5, ts = 1L, rx = 2L, payload = "{\"type\":\"sos\"}" };
        await using (var first = CloudStubHost.Create(args, contentRoot: directory.Path))
        {
            await first.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(first.Url) };
            await PostAsync(http, sos, Event("p-1", 6, "heartbeat"));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using var second = CloudStubHost.Create(args, contentRoot: directory.Path);
        await second.StartAsync();
        using var again = new HttpClient { BaseAddress = new Uri(second.Url) };
        var resent = await PostAsync(again, sos, Event("p-1", 6, "heartbeat"), Event("p-1", 7, "heartbeat"));
        var other = await PostAsync(again, sos with { payload = "{\"type\":\"sos\",\"x\":1}" });
        using var ack = await again.PostAsJsonAsync("/api/v1/acks", new { id = "p-1:1:5", by = "test" });
        var listed = await again.GetFromJsonAsync<JsonElement>("/api/v1/events?dev=p-1");

        Assert.AreEqual(2, resent.GetProperty("duplicates").GetArrayLength(), "stored before the restart");
        Assert.AreEqual("p-1:1:7", resent.GetProperty("stored")[0].GetString());
        Assert.AreEqual(1, other.GetProperty("conflicts").GetArrayLength(), "the same id with another payload, known from the file");
        Assert.AreEqual(HttpStatusCode.Created, ack.StatusCode, await ack.Content.ReadAsStringAsync());
        Assert.AreEqual(4, listed.GetArrayLength());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [TestMethod]
    public async Task Post_DerivedIdFromGateway_StoredOnlyWhenItIsTheRulesId()
    {
        var s = await StartAsync();
        try
        {
            const string payload = "{\"type\":\"sos\"}";
            var good = Eldercare.Firmware.Core.Events.EventIdentity.MakeConflictId("p-1:1:5", Eldercare.Firmware.Core.Events.EventIdentity.PayloadDigest(payload));
            object Derived(string id, string fault, string conflictOf) => new { id, dev = "p-1", type = "sos", lane = "alarm", boot = 1, seq = 5, ts = 1L, rx = 2L, payload, fault, conflictOf };

            var answer = await PostAsync(s.Http,
                Derived(good, "id_conflict", "p-1:1:5"),
                Derived("p-1:1:5~0000000000000000", "id_conflict", "p-1:1:5"),
                Derived(good, "id_conflict", "p-1:1:6"),
                Derived(good, "who_knows", "p-1:1:5"));

            Assert.AreEqual(good, answer.GetProperty("stored")[0].GetString());
            var reasons = answer.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("reason").GetString()).ToList();
            CollectionAssert.AreEqual(new[] { "id_mismatch", "id_mismatch", "bad_field" }, reasons);
        }
        finally
        {
            await StopAsync(s);
        }
    }

    [TestMethod]
    public async Task Post_UploadOfSeveralChunksWithAnAlarmPostedMeanwhile_EachStoredOnceInOrder()
    {
        var s = await StartAsync();
        try
        {
            // 1,000 events = 8 chunks of EventsDatabase.ChunkSize; an alarm posted meanwhile is stored too (it is let
            // in between two chunks), and a resend of the upload finds every event a duplicate.
            var upload = Enumerable.Range(1, 1000).Select(i => Event("p-2", i, "heartbeat")).ToArray();
            var uploading = PostAsync(s.Http, upload);
            var alarm = await PostAsync(s.Http, Event("p-3", 1));
            var first = await uploading;
            var again = await PostAsync(s.Http, upload);
            var listed = await s.Http.GetFromJsonAsync<JsonElement>("/api/v1/events?dev=p-2");

            Assert.AreEqual(1, alarm.GetProperty("stored").GetArrayLength());
            Assert.AreEqual(1000, first.GetProperty("stored").GetArrayLength());
            Assert.AreEqual(1000, again.GetProperty("duplicates").GetArrayLength());
            Assert.AreEqual(0, again.GetProperty("stored").GetArrayLength());
            CollectionAssert.AreEqual(
                Enumerable.Range(1, 1000).ToList(),
                listed.EnumerateArray().Select(e => e.GetProperty("seq").GetInt32()).ToList(), "stored in the upload's order");
        }
        finally
        {
            await StopAsync(s);
        }
    }

    [TestMethod]
    public async Task PriorityGate_UrgentWaiterQueuedAfterBulkOnes_EntersFirst()
    {
        var gate = new PriorityGate();
        await gate.EnterAsync(urgent: false);
        var order = new List<string>();
        async Task Enter(string name, bool urgent)
        {
            await gate.EnterAsync(urgent);
            lock (order)
            {
                order.Add(name);
            }

            gate.Exit();
        }

        var bulk1 = Enter("bulk-1", urgent: false);
        var bulk2 = Enter("bulk-2", urgent: false);
        var alarm = Enter("alarm", urgent: true);
        Assert.AreEqual(1, gate.UrgentWaiting);

        gate.Exit();
        await Task.WhenAll(bulk1, bulk2, alarm).WaitAsync(TimeSpan.FromSeconds(10));

        CollectionAssert.AreEqual(new[] { "alarm", "bulk-1", "bulk-2" }, order, "urgent first, then bulk in arrival order");
        Assert.AreEqual(0, gate.UrgentWaiting);
        await gate.EnterAsync(urgent: false).WaitAsync(TimeSpan.FromSeconds(1));
        Assert.ThrowsExactly<InvalidOperationException>(() => { gate.Exit(); gate.Exit(); });
    }

    [TestMethod]
    public async Task Post_EventBreakingIdRule_RejectedOthersStored()
    {
        var s = await StartAsync();
        try
        {
            var bad = new { id = "p-1:1:99", dev = "p-1", type = "sos", lane = "alarm", boot = 1, seq = 3, ts = 1L, rx = 2L, payload = "{}" };
            var answer = await PostAsync(s.Http, Event("p-1", 1), bad);

            Assert.AreEqual(1, answer.GetProperty("stored").GetArrayLength());
            Assert.AreEqual("id_mismatch", answer.GetProperty("rejected")[0].GetProperty("reason").GetString());
        }
        finally
        {
            await StopAsync(s);
        }
    }

    [TestMethod]
    [DataRow("not json", 400)]
    [DataRow("[]", 400)]
    [DataRow("{\"gateway\":\"gw\"}", 400)]
    [DataRow("{\"gateway\":\"gw\",\"events\":[{\"id\":\"p-1:1:1\"}]}", 400)]
    [DataRow("{\"gateway\":\"gw\",\"events\":[1]}", 400)]
    public async Task Post_MalformedBatch_ReasonAndNothingStored(string body, int status)
    {
        var s = await StartAsync();
        try
        {
            using var response = await s.Http.PostAsync("/api/v1/events", new StringContent(body, Encoding.UTF8, "application/json"));
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>();

            Assert.AreEqual(status, (int)response.StatusCode);
            Assert.IsFalse(string.IsNullOrEmpty(answer.GetProperty("error").GetString()));
            Assert.AreEqual(0, (await s.Stub.Database.CountAsync()).Total);
        }
        finally
        {
            await StopAsync(s);
        }
    }

    [TestMethod]
    public async Task Post_MoreThan1000Events_413NothingStored()
    {
        var s = await StartAsync();
        try
        {
            var events = Enumerable.Range(1, 1001).Select(i => Event("p-1", i)).ToArray();
            using var response = await s.Http.PostAsJsonAsync("/api/v1/events", new { gateway = "gw", events });

            Assert.AreEqual(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.AreEqual(0, (await s.Stub.Database.CountAsync()).Total);
        }
        finally
        {
            await StopAsync(s);
        }
    }

    [TestMethod]
    public async Task FaultSwitch_FailThenPartialThenNone_AnswersAsTold()
    {
        var s = await StartAsync();
        try
        {
            (await s.Http.PostAsJsonAsync("/admin/fault", new { mode = "fail" })).EnsureSuccessStatusCode();
            using (var failed = await s.Http.PostAsJsonAsync("/api/v1/events", new { gateway = "gw", events = new[] { Event("p-1", 1) } }))
            {
                Assert.AreEqual(HttpStatusCode.InternalServerError, failed.StatusCode);
            }

            (await s.Http.PostAsJsonAsync("/admin/fault", new { mode = "partial" })).EnsureSuccessStatusCode();
            var partial = await PostAsync(s.Http, Event("p-1", 1), Event("p-1", 2), Event("p-1", 3), Event("p-1", 4));
            (await s.Http.PostAsJsonAsync("/admin/fault", new { mode = "none" })).EnsureSuccessStatusCode();
            var mode = await s.Http.GetFromJsonAsync<JsonElement>("/admin/fault");

            Assert.AreEqual(2, partial.GetProperty("stored").GetArrayLength());
            Assert.AreEqual(2, (await s.Stub.Database.CountAsync()).Total);
            Assert.AreEqual("none", mode.GetProperty("mode").GetString());
        }
        finally
        {
            await StopAsync(s);
        }
    }

    [TestMethod]
    public async Task FaultSwitch_Stall_AnswerDelayed()
    {
        var s = await StartAsync();
        try
        {
            (await s.Http.PostAsJsonAsync("/admin/fault", new { mode = "stall", stallMs = 300 })).EnsureSuccessStatusCode();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await PostAsync(s.Http, Event("p-1", 1));

            Assert.IsGreaterThanOrEqualTo(250L, clock.ElapsedMilliseconds);
        }
        finally
        {
            await StopAsync(s);
        }
    }

    [TestMethod]
    public async Task ApiKey_MissingOrWrong_401_Right_200()
    {
        var s = await StartAsync("--CloudStub:ApiKey=k-123");
        try
        {
            using var missing = await s.Http.GetAsync("/api/v1/events");
            using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events");
            wrong.Headers.Add("X-Api-Key", "nope");
            using var wrongResponse = await s.Http.SendAsync(wrong);
            s.Http.DefaultRequestHeaders.Add("X-Api-Key", "k-123");
            using var right = await s.Http.GetAsync("/api/v1/events");

            Assert.AreEqual(HttpStatusCode.Unauthorized, missing.StatusCode);
            Assert.AreEqual(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
            Assert.AreEqual(HttpStatusCode.OK, right.StatusCode);
        }
        finally
        {
            await StopAsync(s);
        }
    }
}
