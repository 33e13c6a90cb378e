using Eldercare.Edge.Gateway.Broker;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.Firmware.Core.Events;
using Eldercare.Security.Tests.Support;
using Eldercare.TestSupport;
using MQTTnet;

namespace Eldercare.Security.Tests.Registry;

/// <summary>Registry edits apply without a restart: a disabled device is kicked and refused at once, a new one admitted.</summary>
[TestClass]
[TestCategory("Security")]
public sealed class RegistryReloadTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [TestMethod]
    public async Task RegistryFile_DeviceDisabledWhileConnected_DisconnectedAndRefusedAtOnce()
    {
        await using var stack = await SecurityStack.StartAsync(false, ["lost-0001"]);
        await using var device = await stack.ConnectAsync("lost-0001");
        var before = stack.Gateway.Metrics.Rejected(BrokerRejectReasons.DeviceRevoked);

        DeviceRegistryFile.Upsert(stack.RegistryPath, [SecretHasher.CreateRecord("lost-0001", SecurityStack.SecretOf("lost-0001"), enabled: false, iterations: 1000)]);

        await device.Disconnected.WaitAsync(Timeout);
        await stack.AssertRejectedAsync("lost-0001", BrokerRejectReasons.DeviceRevoked, before);
        var refusedBefore = stack.Gateway.Metrics.Rejected(RejectReasons.BadCredentials);
        var (again, result) = await Device.TryConnectAsync(stack.MqttPort, "lost-0001", SecurityStack.SecretOf("lost-0001"));
        await using (again)
        {
            Assert.AreEqual(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
        }

        await stack.AssertRejectedAsync("lost-0001", RejectReasons.BadCredentials, refusedBefore);
        await stack.Log.WaitForLineAsync(Timeout, "lost-0001", "device is disabled");
        await stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    public async Task RegistryFile_DeviceAddedOrSecretChanged_AppliesWithoutRestart()
    {
        await using var stack = await SecurityStack.StartAsync(false, ["rotate-0001"]);
        await using (var first = await stack.ConnectAsync("rotate-0001"))
        {
        }

        DeviceRegistryFile.Upsert(stack.RegistryPath,
        [
            SecretHasher.CreateRecord("rotate-0001", "new-secret-1", iterations: 1000),
            SecretHasher.CreateRecord("new-0001", "fresh-secret", iterations: 1000),
        ]);

        await Eventually.WaitAsync(async () =>
        {
            var (d, r) = await Device.TryConnectAsync(stack.MqttPort, "new-0001", "fresh-secret");
            await d.DisposeAsync();
            return r.ResultCode;
        }, code => code == MqttClientConnectResultCode.Success, Timeout, "the added device admitted");
        var (old, oldResult) = await Device.TryConnectAsync(stack.MqttPort, "rotate-0001", SecurityStack.SecretOf("rotate-0001"));
        await using (old)
        {
            Assert.AreEqual(MqttClientConnectResultCode.BadUserNameOrPassword, oldResult.ResultCode, "the old secret (cached before) no longer works");
        }
    }
}
