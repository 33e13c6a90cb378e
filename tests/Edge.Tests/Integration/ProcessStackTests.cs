using Eldercare.Edge.Gateway.Registry;
using Eldercare.Edge.Tests.Support;
using Eldercare.TestSupport;
using MQTTnet;

namespace Eldercare.Edge.Tests.Integration;

/// <summary>The built gateway and cloud stub as real processes, through the TestSupport helpers the EndToEnd tier uses.</summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class ProcessStackTests
{
    [TestMethod]
    public async Task Sos_ThroughGatewayAndStubProcesses_AlarmLinePrintedOnce()
    {
        using var directory = new TempDirectory("process-stack");
        var registry = directory.File("devices.json");
        DeviceRegistryFile.Upsert(registry, [SecretHasher.CreateRecord("pendant-0100", EdgeStack.SecretOf("pendant-0100"), iterations: EdgeStack.TestIterations)]);
        var cloudPort = FreePort.Next();
        var mqttPort = FreePort.Next();
        await using var stub = await ProcessHosts.StartCloudStubAsync(cloudPort, directory.File("cloud"));
        await using var gateway = await ProcessHosts.StartGatewayAsync(mqttPort, FreePort.Next(), directory.File("gateway"), registry, $"http://127.0.0.1:{cloudPort}");
        await using var device = await TestDevice.ConnectAsync(mqttPort, "pendant-0100", EdgeStack.SecretOf("pendant-0100"));
        var sos = TestEvents.Make("pendant-0100", seq: 1);

        var ack = await device.PublishAsync(sos);
        await device.PublishAsync(sos);
        await stub.WaitForLineAsync($"ALARM sos {sos.Id}", TimeSpan.FromSeconds(10));
        await gateway.WaitForLineAsync($"duplicate {sos.Id}", TimeSpan.FromSeconds(10));

        Assert.AreEqual(MqttClientPublishReasonCode.Success, ack.ReasonCode);
        Assert.AreEqual(1, stub.Lines.Count(l => l.Contains($"ALARM sos {sos.Id}", StringComparison.Ordinal)));
        StringAssert.Contains(gateway.Output, $"stored {sos.Id}");
        Assert.DoesNotContain(EdgeStack.SecretOf("pendant-0100"), gateway.Output, "secrets never in logs");
    }
}
