using Eldercare.Edge.Gateway.Console;
using Eldercare.Edge.Gateway.Hosting;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.TestSupport;
using Microsoft.Extensions.Configuration;

namespace Eldercare.Edge.Tests.Console;

/// <summary>Gateway:Console bound and validated at start: documented defaults, every problem named, arrays replaced not appended.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ConsoleOptionsTests
{
    private static ConsoleOptions Bind(params (string Key, string Value)[] values) =>
        ConsoleSetup.Bind(new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build());

    [TestMethod]
    public void Bind_Nothing_OffOnLoopback8090()
    {
        var options = Bind();

        Assert.IsFalse(options.Enabled);
        Assert.AreEqual("127.0.0.1", options.BindAddress);
        Assert.AreEqual(8090, options.Port);
        Assert.AreEqual(600, options.EscalateAfterSeconds);
        Assert.AreEqual(4, options.EffectiveProviders.Count);
        Assert.IsNull(ConsoleSetup.Url(options), "off: no listener");
    }

    [TestMethod]
    public void Bind_ProvidersAndPriorities_ReplaceTheDefaults()
    {
        var options = Bind(("Gateway:Console:Enabled", "true"), ("Gateway:Console:Providers:0", "Canteen 3"), ("Gateway:Console:Priorities:wellness", "2"));

        CollectionAssert.AreEqual(new[] { "Canteen 3" }, options.EffectiveProviders.ToList());
        Assert.IsTrue(new AlarmPriorities(options.Priorities).TryGet("wellness", out var wellness));
        Assert.AreEqual(2, wellness);
        Assert.AreEqual("http://127.0.0.1:8090", ConsoleSetup.Url(options));
    }

    [TestMethod]
    [DataRow("Gateway:Console:Port", "0", "Gateway:Console:Port")]
    [DataRow("Gateway:Console:BindAddress", "lan", "BindAddress")]
    [DataRow("Gateway:Console:EscalateAfterSeconds", "0", "EscalateAfterSeconds")]
    [DataRow("Gateway:Console:RedAfterSeconds", "30", "RedAfterSeconds")]
    [DataRow("Gateway:Console:LockoutFailures", "0", "LockoutFailures")]
    [DataRow("Gateway:Console:PollMilliseconds", "1", "PollMilliseconds")]
    [DataRow("Gateway:Console:Priorities:heartbeat", "1", "Priorities:heartbeat")]
    [DataRow("Gateway:Console:Priorities:sos", "9", "Priorities:sos")]
    [DataRow("Gateway:Console:Port", "abc", "Gateway:Console:Port")]
    public void Bind_BadValue_RefusedNamingTheKey(string key, string value, string expected)
    {
        var exception = Assert.ThrowsExactly<GatewayConfigurationException>(() => Bind(("Gateway:Console:Enabled", "true"), (key, value)));

        StringAssert.Contains(exception.Message, expected);
    }

    [TestMethod]
    public void Create_ConsoleOnTheHttpPort_Refused()
    {
        using var directory = new TempDirectory("console-options");
        var registry = directory.File("devices.json");
        DeviceRegistryFile.Upsert(registry, [SecretHasher.CreateRecord("pendant-0001", "secret-1", iterations: 1)]);

        var exception = Assert.ThrowsExactly<GatewayConfigurationException>(() =>
            GatewayHost.Create(["--Gateway:Console:Enabled=true", "--Gateway:Console:Port=18080", "--Gateway:Http:Port=18080", $"--Gateway:Registry:Path={registry}", $"--Gateway:Store:DataDirectory={directory.Path}"]));

        StringAssert.Contains(exception.Message, "own port");
    }
}
