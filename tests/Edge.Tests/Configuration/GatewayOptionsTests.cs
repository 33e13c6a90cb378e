using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Hosting;
using Eldercare.TestSupport;
using Microsoft.Extensions.Configuration;

namespace Eldercare.Edge.Tests.Configuration;

[TestClass]
[TestCategory("Unit")]
public sealed class GatewayOptionsTests
{
    private static GatewayOptions Bind(params (string Key, string Value)[] values) =>
        GatewayOptions.Bind(new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build());

    [TestMethod]
    public void Bind_Nothing_DocumentedDefaults()
    {
        var options = Bind();

        Assert.AreEqual(BrokerMode.Embedded, options.Mqtt.Mode);
        Assert.AreEqual(1883, options.Mqtt.Port);
        Assert.AreEqual("0.0.0.0", options.Mqtt.BindAddress);
        Assert.AreEqual(8080, options.Http.Port);
        Assert.AreEqual("./data", options.Store.DataDirectory);
        Assert.AreEqual(32, options.Mqtt.MaxQueuedDownlinksPerDevice);
        Assert.AreEqual(7 * 86_400L, options.Mqtt.MaxSessionExpirySeconds);
        Assert.AreEqual("http://127.0.0.1:5080", options.Forwarder.CloudUrl);
        Assert.AreEqual(new Uri("http://127.0.0.1:5080/api/v1/events"), options.Forwarder.EventsUri);
    }

    [TestMethod]
    [DataRow("Gateway:Mqtt:Port", "70000", "Gateway:Mqtt:Port")]
    [DataRow("Gateway:Mqtt:BindAddress", "not-an-ip", "BindAddress")]
    [DataRow("Gateway:Forwarder:CloudUrl", "ftp://x", "CloudUrl")]
    [DataRow("Gateway:Forwarder:CloudUrl", "nonsense", "CloudUrl")]
    [DataRow("Gateway:Forwarder:BatchSize", "1001", "BatchSize")]
    [DataRow("Gateway:Store:WriterNice", "-21", "WriterNice")]
    [DataRow("Gateway:Mqtt:SocketThreadsNice", "-30", "SocketThreadsNice")]
    [DataRow("Gateway:Forwarder:AlarmLaneNice", "20", "AlarmLaneNice")]
    [DataRow("Gateway:Forwarder:AlarmStreams", "0", "AlarmStreams")]
    [DataRow("Gateway:Forwarder:TelemetryStreams", "9", "TelemetryStreams")]
    [DataRow("Gateway:Registry:Path", "/nonexistent/devices.json", "does not exist")]
    [DataRow("Gateway:Mqtt:MaxQueuedDownlinksPerDevice", "0", "MaxQueuedDownlinksPerDevice")]
    [DataRow("Gateway:Mqtt:MaxQueuedDownlinksPerDevice", "10001", "MaxQueuedDownlinksPerDevice")]
    [DataRow("Gateway:Mqtt:MaxSessionExpirySeconds", "0", "MaxSessionExpirySeconds")]
    [DataRow("Gateway:Mqtt:MaxSessionExpirySeconds", "4294967295", "MaxSessionExpirySeconds")]
    public void Validate_BadValue_NamesTheKey(string key, string value, string expectedFragment)
    {
        var problems = Bind((key, value)).Validate();

        Assert.IsTrue(problems.Any(p => p.Contains(expectedFragment, StringComparison.Ordinal)), string.Join(" | ", problems));
    }

    [TestMethod]
    public void Create_PortNotANumber_ConfigurationExceptionWithKey()
    {
        using var directory = new TempDirectory("options");

        var exception = Assert.ThrowsExactly<GatewayConfigurationException>(
            () => GatewayHost.Create(["--Gateway:Mqtt:Port=abc"], contentRoot: directory.Path));

        Assert.Contains("Gateway:Mqtt:Port", exception.Message);
    }

    [TestMethod]
    [DataRow("--Gateway:Mqtt:Engine=MqttNetServer", "Gateway:Mqtt:Engine")]
    [DataRow("--Gateway:Mqtt:MaxPendingMessagesPerClient=5", "Gateway:Mqtt:MaxPendingMessagesPerClient")]
    public void Create_SettingOfTheRemovedEngine_ConfigurationExceptionSaysRemoved(string argument, string key)
    {
        using var directory = new TempDirectory("options");

        var exception = Assert.ThrowsExactly<GatewayConfigurationException>(
            () => GatewayHost.Create([argument], contentRoot: directory.Path));

        Assert.Contains(key + " was removed", exception.Message);
    }

    [TestMethod]
    public void Create_MissingRegistry_ConfigurationExceptionTellsHowToCreateIt()
    {
        using var directory = new TempDirectory("options");

        var exception = Assert.ThrowsExactly<GatewayConfigurationException>(
            () => GatewayHost.Create([$"--Gateway:Registry:Path={directory.File("none.json")}"], contentRoot: directory.Path));

        Assert.Contains("devices add", exception.Message);
    }
}
