using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using Eldercare.VirtualDevice;

namespace Eldercare.EndToEnd.Tests;

/// <summary>
/// Configuration downlinks end to end with real gateway and cloud stub processes: the platform sets a pendant's
/// settings, the gateway reads them from its downlink feed and queues them, the pendant applies them without a reboot
/// and answers config_applied; settings it cannot run are answered config_rejected with the reason; the stub refuses
/// what no device could decode, with a reason, before anything is sent.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class ConfigurationTests
{
    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task PlatformSetsAPendantsSettings_AppliedAndReported_ImpossibleOnesRejectedWithTheReason()
    {
        await using var system = new SystemUnderTest();
        await system.StartCloudAsync();
        VirtualPendant pendant = (await system.StartPendantsAsync(1))[0];
        await system.StartGatewayAsync();
        await system.ConnectAllAsync();
        string dev = pendant.DeviceId;
        await Eventually.WaitAsync(async () => await system.CloudEventsAsync(dev, EventTypes.Heartbeat), list => list.Count > 0, TimeSpan.FromSeconds(20), "a heartbeat at the cloud (which gateway serves the pendant)");

        Assert.AreEqual(201, await system.ConfigureAtCloudAsync(dev, new { ver = 1, hb = 30, cancel = 15, wake = "08:00-20:00", by = "platform" }));
        CloudEvent applied = (await Eventually.WaitAsync(async () => await system.CloudEventsAsync(dev, EventTypes.ConfigApplied), list => list.Count == 1, TimeSpan.FromSeconds(20), "config_applied at the cloud"))[0];
        Assert.AreEqual(1, applied.Payload.GetProperty("ref").GetInt32());
        Assert.AreEqual(1, pendant.Configuration.Version);

        Assert.AreEqual(201, await system.ConfigureAtCloudAsync(dev, new { ver = 2, zones = "c,37.5123,122.1201,150" }));
        CloudEvent rejected = (await Eventually.WaitAsync(async () => await system.CloudEventsAsync(dev, EventTypes.ConfigRejected), list => list.Count == 1, TimeSpan.FromSeconds(20), "config_rejected at the cloud"))[0];
        Assert.AreEqual(2, rejected.Payload.GetProperty("ref").GetInt32());
        StringAssert.Contains(rejected.Payload.GetProperty("info").GetString(), "no geofence");
        Assert.AreEqual(1, pendant.Configuration.Version, "a refused configuration changes nothing");

        Assert.AreEqual(200, await system.ConfigureAtCloudAsync(dev, new { ver = 1, hb = 30, cancel = 15, wake = "08:00-20:00", by = "platform" }), "the same version again: a duplicate");
        Assert.AreEqual(409, await system.ConfigureAtCloudAsync(dev, new { ver = 1, hb = 45 }), "another setting under a version already sent");
        Assert.AreEqual(404, await system.ConfigureAtCloudAsync("pendant-9999", new { ver = 1, hb = 30 }), "a device the platform never heard from");
        Assert.AreEqual(400, await system.ConfigureAtCloudAsync(dev, new { ver = 3, wake = "8-20" }), "a wake no device can read");
        Assert.AreEqual(400, await system.ConfigureAtCloudAsync(dev, new { ver = 3, hb = 30, reboot = true }), "an unknown setting");
        Assert.AreEqual(400, await system.ConfigureAtCloudAsync(dev, new { ver = 3, hb = -1 }), "a negative setting");
        Assert.AreEqual(400, await system.ConfigureAtCloudAsync(dev, new { hb = 30 }), "no version");
        await Task.Delay(500);
        Assert.AreEqual(0, pendant.CommandsRejected, "nothing the device could not decode ever reached it");
    }
}
