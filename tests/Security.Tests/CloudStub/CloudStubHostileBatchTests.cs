using System.Net;
using System.Text;
using Eldercare.CloudStub;
using Eldercare.TestSupport;

namespace Eldercare.Security.Tests.CloudStub;

/// <summary>Hostile requests at the cloud stub: refused with a status and a reason, counted by reason, logged, nothing stored.</summary>
[TestClass]
[TestCategory("Security")]
public sealed class CloudStubHostileBatchTests
{
    private const string ApiKey = "stub-key-0c7d";
    private static TempDirectory? _directory;
    private static CloudStubHost? _stub;
    private static HttpClient? _http;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        _directory = new TempDirectory("stub-sec");
        _stub = CloudStubHost.Create(["--urls=http://127.0.0.1:0", $"--CloudStub:DataDirectory={_directory.Path}", "--CloudStub:PrintAlarms=false",
            $"--CloudStub:ApiKey={ApiKey}", "--CloudStub:MaxBodyBytes=65536"], contentRoot: _directory.Path);
        await _stub.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_stub.Url) };
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        _http?.Dispose();
        if (_stub is not null)
        {
            await _stub.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory?.Dispose();
    }

    private static string Event(int seq) =>
        $"{{\"id\":\"p-1:1:{seq}\",\"dev\":\"p-1\",\"type\":\"sos\",\"lane\":\"alarm\",\"boot\":1,\"seq\":{seq},\"ts\":1,\"rx\":2,\"payload\":\"{{}}\"}}";

    [TestMethod]
    [DataRow("missing_key", null, 401, "unauthorized")]
    [DataRow("wrong_key", "not-the-key", 401, "unauthorized")]
    [DataRow("not_json", ApiKey, 400, "malformed_json")]
    [DataRow("truncated", ApiKey, 400, "malformed_json")]
    [DataRow("no_events", ApiKey, 400, "missing_field")]
    [DataRow("wrong_types", ApiKey, 400, "bad_field")]
    [DataRow("deep_nesting", ApiKey, 400, "malformed_json")]
    [DataRow("too_many_events", ApiKey, 413, "too_many_events")]
    [DataRow("body_over_limit", ApiKey, 413, "too_large")]
    public async Task Post_HostileBatch_RefusedWithReasonCountedNothingStored(string kind, string? key, int status, string reason)
    {
        var body = kind switch
        {
            "not_json" => "<xml/>",
            "truncated" => "{\"gateway\":\"gw\",\"events\":[" + Event(1)[..30],
            "no_events" => "{\"gateway\":\"gw\"}",
            "wrong_types" => "{\"gateway\":\"gw\",\"events\":[" + Event(1).Replace("\"seq\":1", "\"seq\":\"1\"", StringComparison.Ordinal) + "]}",
            "deep_nesting" => "{\"gateway\":\"gw\",\"events\":" + new string('[', 500) + new string(']', 500) + "}",
            "too_many_events" => "{\"gateway\":\"gw\",\"events\":[" + string.Join(',', Enumerable.Range(1, 1001).Select(i => "{}")) + "]}",
            "body_over_limit" => "{\"gateway\":\"gw\",\"events\":[" + string.Join(',', Enumerable.Range(1, 600).Select(i => Event(i).Replace("{}", new string('x', 200), StringComparison.Ordinal))) + "]}",
            _ => "{\"gateway\":\"gw\",\"events\":[" + Event(1) + "]}",
        };
        var before = _stub!.Counters.Refused(reason);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        using var response = await _http!.SendAsync(request);

        Assert.AreEqual((HttpStatusCode)status, response.StatusCode, await response.Content.ReadAsStringAsync());
        StringAssert.Contains(await response.Content.ReadAsStringAsync(), status == 401 ? "unauthorized" : reason);
        Assert.AreEqual(before + 1, _stub.Counters.Refused(reason));
        Assert.IsEmpty(await _stub.Database.QueryAsync("p-1", null), "nothing stored");
    }
}
