using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Hosting;
using Eldercare.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Eldercare.Edge.Tests.Configuration;

/// <summary><c>Gateway:Upstream</c>: the kind chosen in one place, the MQTT section validated with clear errors.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class MqttUpstreamOptionsTests
{
    private static UpstreamSetup.Choice Bind(out IReadOnlyList<string> problems, params (string Key, string Value)[] values) =>
        UpstreamSetup.Bind(new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build(), out problems);

    [TestMethod]
    public void Bind_Nothing_HttpAsBefore()
    {
        var choice = Bind(out var problems);

        Assert.AreEqual(UpstreamKind.Http, choice.Kind);
        Assert.IsEmpty(problems);
    }

    [TestMethod]
    public void Bind_MqttWithHost_DocumentedDefaults()
    {
        var choice = Bind(out var problems, ("Gateway:Upstream:Kind", "mqtt"), ("Gateway:Upstream:Mqtt:Host", "iot.example.com"));

        Assert.IsEmpty(problems, string.Join(" | ", problems));
        Assert.AreEqual(UpstreamKind.Mqtt, choice.Kind);
        Assert.AreEqual(8883, choice.Mqtt!.Port);
        Assert.IsTrue(choice.Mqtt.UseTls);
        Assert.AreEqual(1000, choice.Mqtt.MaxInFlight);
        Assert.IsFalse(choice.Mqtt.AcceptWithoutSubscribers);
        Assert.AreEqual("gw-07", choice.Mqtt.EffectiveClientId("gw-07"), "the gateway id is the client id unless one is set");
    }

    [TestMethod]
    public void Bind_UnknownKind_NamesTheChoices()
    {
        Bind(out var problems, ("Gateway:Upstream:Kind", "Carrier-pigeon"));

        Assert.HasCount(1, problems);
        StringAssert.Contains(problems[0], "Gateway:Upstream:Kind 'Carrier-pigeon' is not one of Http, Mqtt");
    }

    [TestMethod]
    [DataRow("Host", "", "Host is required")]
    [DataRow("Host", "bad host!", "is not a host name")]
    [DataRow("Port", "0", "Port must be 1..65535")]
    [DataRow("Port", "65536", "Port must be 1..65535")]
    [DataRow("TrustedCaPath", "/nonexistent/ca.pem", "TrustedCaPath '/nonexistent/ca.pem' does not exist")]
    [DataRow("PinnedThumbprintSha256", "abc", "64 hex digits")]
    [DataRow("ClientId", "gw/01", "ClientId must be")]
    [DataRow("KeepAliveSeconds", "-1", "KeepAliveSeconds")]
    [DataRow("SessionExpirySeconds", "0", "SessionExpirySeconds")]
    [DataRow("MaxInFlight", "0", "MaxInFlight")]
    [DataRow("ConnectTimeoutMilliseconds", "5", "ConnectTimeoutMilliseconds")]
    [DataRow("Password", "secret", "Password is set without a Username")]
    public void Validate_BadValue_NamesTheKey(string key, string value, string expectedFragment)
    {
        var values = new List<(string, string)> { ("Gateway:Upstream:Kind", "Mqtt"), ("Gateway:Upstream:Mqtt:Username", "gw-01") };
        if (key != "Host")
        {
            values.Add(("Gateway:Upstream:Mqtt:Host", "127.0.0.1"));
        }

        if (key == "Password")
        {
            values.RemoveAll(v => v.Item1.EndsWith("Username", StringComparison.Ordinal));
        }

        values.Add(("Gateway:Upstream:Mqtt:" + key, value));

        Bind(out var problems, [.. values]);

        Assert.IsTrue(problems.Any(p => p.Contains(expectedFragment, StringComparison.Ordinal) && p.StartsWith("Gateway:Upstream:Mqtt", StringComparison.Ordinal)), string.Join(" | ", problems));
    }

    [TestMethod]
    public void Validate_CredentialsWithoutTls_RefusedUnlessExplicitlyAllowed()
    {
        (string, string)[] plain = [("Gateway:Upstream:Kind", "Mqtt"), ("Gateway:Upstream:Mqtt:Host", "10.0.0.5"), ("Gateway:Upstream:Mqtt:UseTls", "false"),
            ("Gateway:Upstream:Mqtt:Username", "gw-01"), ("Gateway:Upstream:Mqtt:Password", "secret")];

        Bind(out var refused, plain);
        Bind(out var allowed, [.. plain, ("Gateway:Upstream:Mqtt:AllowCredentialsWithoutTls", "true")]);
        Bind(out var anonymous, ("Gateway:Upstream:Kind", "Mqtt"), ("Gateway:Upstream:Mqtt:Host", "10.0.0.5"), ("Gateway:Upstream:Mqtt:UseTls", "false"));

        Assert.HasCount(1, refused);
        StringAssert.Contains(refused[0], "clear text");
        Assert.IsEmpty(allowed, string.Join(" | ", allowed));
        Assert.IsEmpty(anonymous, string.Join(" | ", anonymous));
    }

    [TestMethod]
    public void Validate_CaWithoutTls_Refused()
    {
        using var directory = new TempDirectory("mqtt-options");
        var ca = directory.File("ca.pem");
        File.WriteAllText(ca, "not checked here");

        Bind(out var problems, ("Gateway:Upstream:Kind", "Mqtt"), ("Gateway:Upstream:Mqtt:Host", "h"), ("Gateway:Upstream:Mqtt:UseTls", "false"), ("Gateway:Upstream:Mqtt:TrustedCaPath", ca));

        Assert.HasCount(1, problems);
        StringAssert.Contains(problems[0], "need UseTls=true");
    }

    [TestMethod]
    public void Bind_PortNotANumber_ProblemNamesTheKey()
    {
        Bind(out var problems, ("Gateway:Upstream:Kind", "Mqtt"), ("Gateway:Upstream:Mqtt:Host", "h"), ("Gateway:Upstream:Mqtt:Port", "eighty"));

        Assert.HasCount(1, problems);
        StringAssert.Contains(problems[0], "Gateway:Upstream:Mqtt:Port");
    }

    [TestMethod]
    public void Create_MqttWithoutHost_ConfigurationExceptionBeforeAnythingStarts()
    {
        using var directory = new TempDirectory("options");

        var exception = Assert.ThrowsExactly<GatewayConfigurationException>(
            () => GatewayHost.Create(["--Gateway:Upstream:Kind=Mqtt"], contentRoot: directory.Path));

        Assert.IsTrue(exception.Problems.Any(p => p.Contains("Gateway:Upstream:Mqtt:Host is required", StringComparison.Ordinal)), string.Join(" | ", exception.Problems));
    }

    [TestMethod]
    [DataRow("Http", typeof(HttpUpstream))]
    [DataRow("Mqtt", typeof(MqttUpstream))]
    public async Task AddUpstream_Kind_RegistersThatUpstream(string kind, Type expected)
    {
        var choice = Bind(out var problems, ("Gateway:Upstream:Kind", kind), ("Gateway:Upstream:Mqtt:Host", "127.0.0.1"));
        Assert.IsEmpty(problems);
        var services = new ServiceCollection().AddLogging();
        UpstreamSetup.AddUpstream(services, choice, new ForwarderOptions(), new UpstreamTlsOptions(), Path.GetTempPath());

        await using var provider = services.BuildServiceProvider();

        Assert.IsInstanceOfType(provider.GetRequiredService<IUpstream>(), expected);
    }
}
