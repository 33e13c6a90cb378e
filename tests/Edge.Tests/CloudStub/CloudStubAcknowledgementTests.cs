using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Eldercare.CloudStub;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.CloudStub;

/// <summary>The platform's acknowledgements: idempotent, refused with a reason, read by each gateway with a long poll.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class CloudStubAcknowledgementTests
{
    private CloudStubHost _stub = null!;
    private TempDirectory _directory = null!;
    private HttpClient _http = null!;

    [TestInitialize]
    public async Task StartAsync()
    {
        _directory = new TempDirectory("stub-acks");
        _stub = CloudStubHost.Create(["--urls=http://127.0.0.1:0", $"--CloudStub:DataDirectory={_directory.Path}", "--CloudStub:PrintAlarms=false"], contentRoot: _directory.Path);
        await _stub.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_stub.Url) };
        await PostEventsAsync("gw-a", Event("p-1", 1, "sos"), Event("p-1", 2, "heartbeat"), Event("p-1", 3, "sos_cancel"));
        await PostEventsAsync("gw-b", Event("p-2", 1, "fall"));
    }

    [TestCleanup]
    public async Task StopAsync()
    {
        _http.Dispose();
        await _stub.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [TestMethod]
    public async Task Ack_OfAnAlarm_IsCreatedOnce_TheSecondAnswersWithTheFirst()
    {
        using var first = await _http.PostAsJsonAsync("/api/v1/acks", new { id = "p-1:1:1", by = "platform" });
        using var second = await _http.PostAsJsonAsync("/api/v1/acks", new { id = "p-1:1:1", by = "center" });

        Assert.AreEqual(HttpStatusCode.Created, first.StatusCode);
        Assert.AreEqual(HttpStatusCode.OK, second.StatusCode);
        var a = await first.Content.ReadFromJsonAsync<JsonElement>();
        var b = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.IsFalse(a.GetProperty("duplicate").GetBoolean());
        Assert.IsTrue(b.GetProperty("duplicate").GetBoolean());
        Assert.AreEqual(a.GetProperty("ack").GetProperty("seq").GetInt64(), b.GetProperty("ack").GetProperty("seq").GetInt64());
        Assert.AreEqual("platform", b.GetProperty("ack").GetProperty("by").GetString(), "the first acknowledgement is kept");
        Assert.AreEqual(1, _stub.Counters.Acknowledgements);
    }

    [TestMethod]
    [DataRow("{\"id\":\"p-9:1:1\"}", HttpStatusCode.NotFound, "unknown_event")]
    [DataRow("{\"id\":\"p-1:1:2\"}", HttpStatusCode.Conflict, "not_acknowledgeable")]
    [DataRow("{\"id\":\"p-1:1:3\"}", HttpStatusCode.Conflict, "not_acknowledgeable")]
    [DataRow("{\"id\":\"p-1:1:1\",\"by\":\"Operator Wang\"}", HttpStatusCode.BadRequest, "bad_field")]
    [DataRow("{\"by\":\"platform\"}", HttpStatusCode.BadRequest, "bad_request")]
    public async Task BadAck_IsRefusedWithAReason_AndNothingIsKept(string body, HttpStatusCode status, string error)
    {
        using var response = await _http.PostAsync("/api/v1/acks", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.AreEqual(status, response.StatusCode);
        Assert.AreEqual(error, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.IsEmpty(_stub.Acknowledgements.All());
    }

    [TestMethod]
    public async Task Read_GivesEachGatewayOnlyItsOwn_AfterItsCursor()
    {
        await AckAsync("p-1:1:1");
        await AckAsync("p-2:1:1");

        var a = await _http.GetFromJsonAsync<JsonElement>("/api/v1/acks?gateway=gw-a&after=0");
        var b = await _http.GetFromJsonAsync<JsonElement>("/api/v1/acks?gateway=gw-b&after=0");
        var again = await _http.GetFromJsonAsync<JsonElement>($"/api/v1/acks?gateway=gw-a&after={a.GetProperty("next").GetInt64()}");

        Assert.AreEqual("p-1:1:1", a.GetProperty("acks")[0].GetProperty("id").GetString());
        Assert.AreEqual(1, a.GetProperty("acks").GetArrayLength());
        Assert.AreEqual("p-2:1:1", b.GetProperty("acks")[0].GetProperty("id").GetString());
        Assert.AreEqual(0, again.GetProperty("acks").GetArrayLength());
        Assert.AreEqual(a.GetProperty("next").GetInt64(), again.GetProperty("next").GetInt64(), "an empty read keeps the cursor");
    }

    [TestMethod]
    public async Task LongPoll_AnswersWhenTheAckArrives_NotAtItsTimeout()
    {
        var stopwatch = Stopwatch.StartNew();
        var empty = await _http.GetFromJsonAsync<JsonElement>("/api/v1/acks?gateway=gw-a&after=0&waitMs=50");
        Assert.AreEqual(0, empty.GetProperty("acks").GetArrayLength(), "nothing yet: answered empty at the timeout");
        var read = _http.GetFromJsonAsync<JsonElement>("/api/v1/acks?gateway=gw-a&after=0&waitMs=30000");

        await AckAsync("p-1:1:1");
        var answer = await read;

        Assert.AreEqual(1, answer.GetProperty("acks").GetArrayLength());
        Assert.IsLessThan(10_000, stopwatch.ElapsedMilliseconds, "woken by the acknowledgement");
    }

    [TestMethod]
    [DataRow("/api/v1/acks?after=0")]
    [DataRow("/api/v1/acks?gateway=gw-a&after=-1")]
    [DataRow("/api/v1/acks?gateway=gw-a&waitMs=600000")]
    [DataRow("/api/v1/acks?gateway=gw-a&max=0")]
    public async Task Read_WithBadParameters_Is400(string path)
    {
        using var response = await _http.GetAsync(path);

        Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [TestMethod]
    public async Task Events_CanBeQueriedByLaneAndTimeRange()
    {
        var alarms = await _http.GetFromJsonAsync<JsonElement>("/api/v1/events?lane=alarm&dev=p-1");
        var none = await _http.GetFromJsonAsync<JsonElement>("/api/v1/events?from=1763870000001");
        var all = await _http.GetFromJsonAsync<JsonElement>("/api/v1/events?from=1763870000000&to=1763870000000");

        Assert.AreEqual(2, alarms.GetArrayLength(), "sos and sos_cancel");
        Assert.AreEqual(0, none.GetArrayLength());
        Assert.AreEqual(4, all.GetArrayLength());
    }

    [TestMethod]
    public async Task Events_CanBeQueriedByCard()
    {
        object Kiosk(int seq, string type, string card) => new
        {
            id = $"kiosk-1:1:{seq}", dev = "kiosk-1", type, lane = "service", boot = 1, seq, ts = 1_763_870_000_000L, rx = 1_763_870_000_010L,
            payload = $"{{\"v\":1,\"id\":\"kiosk-1:1:{seq}\",\"dev\":\"kiosk-1\",\"boot\":1,\"seq\":{seq},\"type\":\"{type}\",\"ts\":1763870000000,\"card\":\"{card}\"{(type == "service" ? ",\"svc\":\"meal\"" : string.Empty)}}}",
        };
        await PostEventsAsync("gw-a", Kiosk(1, "checkin", "04A1B2C3"), Kiosk(2, "service", "04A1B2C3"), Kiosk(3, "checkin", "04FFEEDD"));

        var one = await _http.GetFromJsonAsync<JsonElement>("/api/v1/events?card=04A1B2C3");
        var requests = await _http.GetFromJsonAsync<JsonElement>("/api/v1/events?card=04A1B2C3&type=service");

        Assert.AreEqual(2, one.GetArrayLength(), "the check-in and the request of that card, not the other card's");
        Assert.AreEqual(1, requests.GetArrayLength());
    }

    private async Task AckAsync(string id)
    {
        using var response = await _http.PostAsJsonAsync("/api/v1/acks", new { id, by = "platform" });
        Assert.AreEqual(HttpStatusCode.Created, response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task PostEventsAsync(string gateway, params object[] events)
    {
        using var response = await _http.PostAsJsonAsync("/api/v1/events", new { gateway, events });
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static object Event(string dev, int seq, string type) => new
    {
        id = $"{dev}:1:{seq}", dev, type, lane = type == "heartbeat" ? "telemetry" : "alarm", boot = 1, seq, ts = 1_763_870_000_000L, rx = 1_763_870_000_010L, payload = "{}",
    };
}
