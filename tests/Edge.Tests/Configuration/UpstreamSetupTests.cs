using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace Eldercare.Edge.Tests.Configuration;

/// <summary><c>Gateway:Upstream</c>: HTTP by default, JetStream when chosen, every bad value named with its key.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class UpstreamSetupTests
{
    private static UpstreamSetup.Choice Bind(params (string Key, string Value)[] values) =>
        UpstreamSetup.Bind(new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build(), "gw-01");

    [TestMethod]
    public void Nothing_Http_WithTheJetStreamDefaultsUnchecked()
    {
        var choice = Bind(("Gateway:Upstream:JetStream:Url", "not checked while the kind is Http"));

        Assert.AreEqual(UpstreamKind.Http, choice.Kind);
    }

    [TestMethod]
    public void JetStream_ThreeSeeds_Bound()
    {
        var choice = Bind(("Gateway:Upstream:Kind", "jetstream"), ("Gateway:Upstream:JetStream:Url", "nats://10.0.0.1:4222, nats://10.0.0.2:4222,tls://nats.example:4222"),
            ("Gateway:Upstream:JetStream:AckTimeoutMilliseconds", "3000"));

        Assert.AreEqual(UpstreamKind.JetStream, choice.Kind);
        CollectionAssert.AreEqual(new[] { "nats://10.0.0.1:4222", "nats://10.0.0.2:4222", "tls://nats.example:4222" }, choice.JetStream.Servers.ToArray());
        Assert.AreEqual(3000, choice.JetStream.AckTimeoutMilliseconds);
    }

    [TestMethod]
    [DataRow("Gateway:Upstream:Kind", "Kafka", "Gateway:Upstream:Kind 'Kafka' is not one of Http, Mqtt, JetStream")]
    [DataRow("Gateway:Upstream:Kind", "1", "Gateway:Upstream:Kind '1'")]
    [DataRow("Gateway:Upstream:JetStream:Url", "http://10.0.0.1:4222", "is not a nats://host:port")]
    [DataRow("Gateway:Upstream:JetStream:Url", " , ", "Gateway:Upstream:JetStream:Url is required")]
    [DataRow("Gateway:Upstream:JetStream:AckTimeoutMilliseconds", "50", "AckTimeoutMilliseconds must be 100..60000")]
    [DataRow("Gateway:Upstream:JetStream:AckTimeoutMilliseconds", "soon", "Gateway:Upstream:JetStream:AckTimeoutMilliseconds")]
    [DataRow("Gateway:Upstream:JetStream:Username", "gw", "Username and Password go together")]
    [DataRow("Gateway:Upstream:JetStream:TrustedCaPath", "/nonexistent/ca.pem", "does not exist")]
    public void JetStream_BadValue_ConfigurationErrorNamesIt(string key, string value, string expected)
    {
        var values = new List<(string, string)> { (key, value) };
        if (key != "Gateway:Upstream:Kind")
        {
            values.Add(("Gateway:Upstream:Kind", "JetStream"));
        }

        var exception = Assert.ThrowsExactly<GatewayConfigurationException>(() => Bind([.. values]));

        Assert.Contains(expected, exception.Message);
    }

    [TestMethod]
    public void JetStream_PasswordNeverInTheError()
    {
        var exception = Assert.ThrowsExactly<GatewayConfigurationException>(() => Bind(("Gateway:Upstream:Kind", "JetStream"),
            ("Gateway:Upstream:JetStream:Password", "s3cret-upstream"), ("Gateway:Upstream:JetStream:AckTimeoutMilliseconds", "1")));

        Assert.DoesNotContain("s3cret-upstream", exception.Message);
    }
}
