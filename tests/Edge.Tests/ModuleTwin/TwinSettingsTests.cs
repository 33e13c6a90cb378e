using System.Text.Json.Nodes;
using Eldercare.Edge.Gateway.ModuleTwin;

namespace Eldercare.Edge.Tests.ModuleTwin;

[TestClass]
[TestCategory("Unit")]
public sealed class TwinSettingsTests
{
    [TestMethod]
    public void Read_AllowedSettings_MappedToConfigurationKeys()
    {
        var read = TwinSettings.Read("""
            {"gateway": {"forwarder": {"cloudUrl": "https://platform.example", "alarmStreams": 3},
                         "store": {"maxTelemetryBytes": 1048576}, "console": {"enabled": true},
                         "deviceHealth": {"missedHeartbeats": null}},
             "other": {"x": 1}, "$version": 7, "$metadata": {}}
            """);

        Assert.AreEqual(0, read.Problems.Count, string.Join("\n", read.Problems));
        Assert.AreEqual(7L, read.Version);
        CollectionAssert.AreEqual(
            new[] { "--Gateway:Console:Enabled=true", "--Gateway:Forwarder:AlarmStreams=3", "--Gateway:Forwarder:CloudUrl=https://platform.example", "--Gateway:Store:MaxTelemetryBytes=1048576" },
            read.ToArguments());
    }

    [TestMethod]
    [DataRow("""{"gateway": {"forwarder": {"apiKey": "k-123"}}}""", "desired 'gateway.forwarder.apiKey' is a secret")]
    [DataRow("""{"gateway": {"mqtt": {"externalPassword": "p"}}}""", "desired 'gateway.mqtt.externalPassword' is a secret")]
    [DataRow("""{"gateway": {"mqtt": {"port": 1884}}}""", "desired 'gateway.mqtt.port' is fixed by the container")]
    [DataRow("""{"gateway": {"store": {"dataDirectory": "/tmp"}}}""", "desired 'gateway.store.dataDirectory' is fixed by the container")]
    [DataRow("""{"gateway": {"forwarder": {"cloudUrll": "x"}}}""", "desired 'gateway.forwarder.cloudUrll' is not a setting the twin may change (allowed: ")]
    [DataRow("""{"gateway": {"forwarder": {"batchSize": "big"}}}""", "desired 'gateway.forwarder.batchSize' must be a whole number, got string \"big\"")]
    [DataRow("""{"gateway": {"forwarder": {"batchSize": 1.5}}}""", "must be a whole number, got number 1.5")]
    [DataRow("""{"gateway": {"forwarder": {"cloudUrl": 5}}}""", "desired 'gateway.forwarder.cloudUrl' must be a string")]
    [DataRow("""{"gateway": {"console": {"enabled": "yes"}}}""", "must be true or false")]
    [DataRow("""{"gateway": {"forwarder": 3}}""", "desired 'gateway.forwarder' must be an object of settings")]
    [DataRow("""{"gateway": "on"}""", "desired 'gateway' must be an object of sections")]
    [DataRow("""[1]""", "desired properties are not a JSON object")]
    [DataRow("""{"gateway": """, "desired properties are not JSON")]
    public void Read_Refused_ClearProblemAndNoSetting(string desired, string expected)
    {
        var read = TwinSettings.Read(desired);

        Assert.AreEqual(1, read.Problems.Count, string.Join("\n", read.Problems));
        StringAssert.Contains(read.Problems[0], expected);
        Assert.AreEqual(0, read.Settings.Count);
    }

    [TestMethod]
    public void Read_SecretRefused_ValueNeverEchoed()
    {
        var read = TwinSettings.Read("""{"gateway": {"forwarder": {"apiKey": "k-very-secret-123"}}}""");

        Assert.IsFalse(read.Problems[0].Contains("k-very-secret-123", StringComparison.Ordinal), read.Problems[0]);
        StringAssert.Contains(read.Problems[0], "Gateway__Forwarder__ApiKey");
    }

    [TestMethod]
    public void Report_Applied_SettingsProblemsClearedAndRemovedSettingsNulled()
    {
        var applied = TwinSettings.Read("""{"gateway": {"forwarder": {"cloudUrl": "https://p.example"}}, "$version": 4}""");

        var reported = JsonNode.Parse(TwinReport.Build(TwinReport.Applied, 4, applied, [], new Dictionary<string, string> { ["mqttPort"] = "1883" }))!["gateway"]!;

        Assert.AreEqual("applied", reported["status"]!.GetValue<string>());
        Assert.AreEqual(4L, reported["desiredVersion"]!.GetValue<long>());
        Assert.AreEqual(4L, reported["appliedVersion"]!.GetValue<long>());
        Assert.AreEqual("https://p.example", reported["settings"]!["Gateway:Forwarder:CloudUrl"]!.GetValue<string>());
        Assert.IsTrue(reported["settings"]!.AsObject().ContainsKey("Gateway:Forwarder:BatchSize"), "a setting not applied is reported null (removed by the patch)");
        Assert.IsNull(reported["settings"]!["Gateway:Forwarder:BatchSize"]);
        Assert.IsTrue(reported.AsObject().ContainsKey("problems"));
        Assert.IsNull(reported["problems"], "earlier problems removed");
        Assert.AreEqual("1883", reported["mqttPort"]!.GetValue<string>());
    }

    [TestMethod]
    public void Report_Rejected_ProblemsAsNumberedObjectNoArrays()
    {
        var text = TwinReport.Build(TwinReport.Rejected, 5, null, ["first problem", "second problem"], null);

        var reported = JsonNode.Parse(text)!["gateway"]!;
        Assert.AreEqual("rejected", reported["status"]!.GetValue<string>());
        Assert.AreEqual("second problem", reported["problems"]!["2"]!.GetValue<string>());
        Assert.IsFalse(text.Contains('['), "twin values may not be arrays: " + text);
    }
}
