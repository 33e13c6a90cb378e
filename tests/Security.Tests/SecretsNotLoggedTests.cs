using System.Net.Http.Json;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.Security.Tests.Support;
using Eldercare.TestSupport;
using MQTTnet;

namespace Eldercare.Security.Tests;

/// <summary>
/// Gateway and cloud stub as real processes with a known device secret, API key, TLS password and gateway broker
/// password; good and bad logins; then every line of both outputs, /metrics and the health endpoints is searched for each secret.
/// </summary>
[TestClass]
[TestCategory("Security")]
public sealed class SecretsNotLoggedTests
{
    private const string DeviceSecret = "Dev1ceS3cret-a9f0";
    private const string WrongPassword = "Gu3ssedPw-77b1";
    private const string ApiKey = "ApiK3y-5d21e";
    private const string TlsPassword = "TlsPfxPw-0b8c";

    [TestMethod]
    public async Task Processes_GoodAndBadLogins_NoSecretInLogsMetricsOrErrors()
    {
        using var directory = new TempDirectory("secrets");
        using var certificate = TestCertificates.CreateSelfSigned();
        var pfx = TestCertificates.WritePfx(certificate, directory.Path, TlsPassword);
        var registry = directory.File("devices.json");
        DeviceRegistryFile.Upsert(registry, [SecretHasher.CreateRecord("sec-0001", DeviceSecret, iterations: 1000)]);
        int cloudPort = FreePort.Next(), mqttPort = FreePort.Next(), tlsPort = FreePort.Next(), httpPort = FreePort.Next();
        await using var cloud = await ProcessHosts.StartCloudStubAsync(cloudPort, directory.File("cloud"), $"--CloudStub:ApiKey={ApiKey}");
        await using var gateway = await ProcessHosts.StartGatewayAsync(mqttPort, httpPort, directory.File("gw"), registry, $"http://127.0.0.1:{cloudPort}",
            $"--Gateway:Forwarder:ApiKey={ApiKey}", $"--Gateway:Mqtt:TlsPort={tlsPort}", $"--Gateway:Mqtt:TlsCertificatePath={pfx}", $"--Gateway:Mqtt:TlsCertificatePassword={TlsPassword}");

        var (bad, badResult) = await Device.TryConnectAsync(mqttPort, "sec-0001", WrongPassword);
        await bad.DisposeAsync();
        var (unknown, _) = await Device.TryConnectAsync(mqttPort, "sec-9999", DeviceSecret);
        await unknown.DisposeAsync();
        await using (var good = await Device.ConnectAsync(mqttPort, "sec-0001", DeviceSecret))
        {
            await good.PublishAsync(Device.Event("sec-0001", 1));
        }

        using var http = new HttpClient();
        using var noKey = await http.PostAsJsonAsync($"http://127.0.0.1:{cloudPort}/api/v1/events", new { gateway = "x", events = Array.Empty<object>() });
        using var wrongKey = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{cloudPort}/api/v1/stats");
        wrongKey.Headers.Add("X-Api-Key", WrongPassword);
        using var wrongKeyAnswer = await http.SendAsync(wrongKey);
        var wrongKeyBody = await wrongKeyAnswer.Content.ReadAsStringAsync();
        await cloud.WaitForLineAsync("ALARM sos sec-0001:1:1", TimeSpan.FromSeconds(15));
        await gateway.WaitForLineAsync("rejected sec-0001 bad_credentials", TimeSpan.FromSeconds(5));
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{httpPort}/metrics");
        // /health/ready shows the upstream's last error and the store's; /health/live the parts' problems: 200 or 503.
        using var ready = await http.GetAsync($"http://127.0.0.1:{httpPort}/health/ready");
        using var live = await http.GetAsync($"http://127.0.0.1:{httpPort}/health/live");
        var health = await ready.Content.ReadAsStringAsync() + await live.Content.ReadAsStringAsync() + await http.GetStringAsync($"http://127.0.0.1:{httpPort}/health");

        Assert.AreEqual(MqttClientConnectResultCode.BadUserNameOrPassword, badResult.ResultCode);
        var haystacks = new Dictionary<string, string>
        {
            ["gateway output"] = gateway.Output,
            ["cloud stub output"] = cloud.Output,
            ["/metrics"] = metrics,
            ["/health, /health/live, /health/ready"] = health,
            ["401 body"] = wrongKeyBody + await noKey.Content.ReadAsStringAsync(),
        };
        foreach (var (where, text) in haystacks)
        {
            foreach (var secret in new[] { DeviceSecret, WrongPassword, ApiKey, TlsPassword })
            {
                Assert.DoesNotContain(secret, text, $"{secret} leaked into {where}");
            }
        }
    }
}
