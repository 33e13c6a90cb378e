using Eldercare.Edge.Gateway.Health;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Eldercare.Edge.Tests.Health;

/// <summary>Each stored heartbeat's firmware version, signal and battery, kept for the console's devices list.</summary>
[TestClass]
[TestCategory("Integration")]
public sealed class DeviceFactsTests
{
    [TestMethod]
    public async Task Heartbeat_Stored_ItsFirmwareSignalAndBatteryNoted_AnAlarmChangesNothing()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0301"]);
        await using var device = await stack.ConnectDeviceAsync("pendant-0301");
        var heartbeat = TestEvents.Make("pendant-0301", 1, EventTypes.Heartbeat);
        heartbeat.FirmwareVersion = "0.14.0";
        heartbeat.SignalDbm = -67;

        Assert.IsTrue((await device.PublishAsync(heartbeat)).IsSuccess);
        Assert.IsTrue((await device.PublishAsync(TestEvents.Make("pendant-0301", 2))).IsSuccess);

        var facts = stack.Gateway.Services.GetRequiredService<DeviceFacts>();
        Assert.IsTrue(facts.TryGet("pendant-0301", out var fact));
        Assert.AreEqual(("0.14.0", (int?)-67, (int?)80), (fact.FirmwareVersion, fact.SignalDbm, fact.BatteryPercent));
        Assert.IsFalse(facts.TryGet("pendant-0302", out _));
    }
}
