using Eldercare.Edge.Gateway.Console;
using Microsoft.Playwright;

namespace Eldercare.Console.Tests;

/// <summary>The gateway's own alarm on the desk: a pendant's power cut becomes a device_offline card for that pendant's
/// elder (found by subj), after the SOS in the queue; power back on closes it as "device back online".</summary>
[TestClass]
[TestCategory("Console")]
public sealed class DeviceOfflineTests
{
    [TestMethod]
    [Timeout(180_000, CooperativeCancellation = true)]
    public async Task PowerCut_DeviceOfflineOnTheDesk_PowerOn_ClosedAsBackOnline()
    {
        await using var system = new ConsoleSystem();
        await system.StartCloudAsync();
        var pendant = system.AddPendant("pendant-0001", heartbeatSeconds: 5);
        var other = system.AddPendant("pendant-0002", heartbeatSeconds: 5);
        system.ImportElders("R-0001,王秀英,迎泽区柳巷街道 12 号,女儿 139 0351 0001,pendant-0001,\nR-0002,张建国,五一路 8 号,儿子 138,pendant-0002,\n");
        system.AddUser("op1", ConsoleUsers.Operator);
        await system.StartGatewayAsync("--Gateway:DeviceHealth:HeartbeatIntervalSeconds=5", "--Gateway:DeviceHealth:MissedHeartbeats=3",
            "--Gateway:DeviceHealth:StartupGraceSeconds=5", "--Gateway:DeviceHealth:LostConnectionGraceSeconds=3");
        await system.ConnectDevicesAsync();
        var page = await system.NewPageAsync();
        await system.LoginAsync(page, "op1");

        pendant.PowerCut();
        var offline = page.Locator("#queue li.card.p4");
        await offline.WaitForAsync(new LocatorWaitForOptions { Timeout = 40_000 });
        var text = await offline.InnerTextAsync();
        StringAssert.Contains(text, "设备离线");
        StringAssert.Contains(text, "王秀英", "the elder of the device in subj, not of the gateway");
        StringAssert.Contains(text, "pendant-0001");
        other.PressSos();
        await page.Locator("#queue li.card").Nth(1).WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        StringAssert.Contains(await page.Locator("#queue li.card").First.InnerTextAsync(), "紧急呼救", "an SOS goes before a device offline");
        var id = (await offline.GetAttributeAsync("data-id"))!;

        system.PowerOn("pendant-0001", heartbeatSeconds: 5);

        var closed = page.Locator($"#closed li.card[data-id='{id}']");
        await closed.WaitForAsync(new LocatorWaitForOptions { Timeout = 40_000 });
        StringAssert.Contains(await closed.InnerTextAsync(), "设备已恢复在线");
        Assert.AreEqual(0, await page.Locator($"#queue li.card[data-id='{id}']").CountAsync());
    }
}
