using System.Diagnostics;
using Eldercare.Edge.Gateway.Console;
using Eldercare.TestSupport;
using Microsoft.Playwright;

namespace Eldercare.Console.Tests;

/// <summary>The platform link banner: the cloud stub stopped, an SOS held at the gateway, the banner shows it; the stub back, the banner goes.</summary>
[TestClass]
[TestCategory("Console")]
public sealed class PlatformLinkTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [Timeout(180_000, CooperativeCancellation = true)]
    public async Task CloudStubStopped_BannerShowsHeldAlarms_BackAgain_BannerGoes()
    {
        await using var system = new ConsoleSystem();
        await system.StartCloudAsync();
        var pendant = system.AddPendant("pendant-0001");
        system.AddUser("op1", ConsoleUsers.Operator);
        await system.StartGatewayAsync();
        await system.ConnectDevicesAsync();
        var page = await system.NewPageAsync();
        await system.LoginAsync(page, "op1");
        Assert.AreEqual("up", await page.GetAttributeAsync("body", "data-link"));
        Assert.IsTrue(await page.Locator("#banner").IsHiddenAsync());

        await system.StopCloudAsync();
        var down = Stopwatch.StartNew();
        pendant.PressSos();
        await page.WaitForSelectorAsync("body[data-link=down]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        TestContext.WriteLine($"banner shown {down.ElapsedMilliseconds} ms after the stub stopped");
        var banner = page.Locator("#banner");
        await page.WaitForFunctionAsync("() => document.getElementById('banner').textContent.includes('暂存报警: 1')", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        StringAssert.Contains(await banner.InnerTextAsync(), "报警暂存在本地，恢复后自动转发");
        Assert.IsTrue(await banner.IsVisibleAsync());

        await system.StartCloudAsync();
        var up = Stopwatch.StartNew();
        await page.WaitForSelectorAsync("body[data-link=up]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        TestContext.WriteLine($"banner gone {up.ElapsedMilliseconds} ms after the stub returned");
        Assert.IsTrue(await banner.IsHiddenAsync());
    }

    [TestMethod]
    [Timeout(180_000, CooperativeCancellation = true)]
    public async Task GatewayRestarted_PageSaysItIsNotLive_ThenResumesWithoutANewLogin()
    {
        await using var system = new ConsoleSystem();
        await system.StartCloudAsync();
        var pendant = system.AddPendant("pendant-0001");
        system.AddUser("op1", ConsoleUsers.Operator);
        await system.StartGatewayAsync();
        await system.ConnectDevicesAsync();
        var page = await system.NewPageAsync();
        await system.LoginAsync(page, "op1");
        Assert.IsTrue(await page.Locator("#connection-lost").IsHiddenAsync());

        await system.Gateway!.KillAsync();
        await page.WaitForSelectorAsync("#connection-lost", new PageWaitForSelectorOptions { State = WaitForSelectorState.Visible, Timeout = 15_000 });
        StringAssert.Contains(await page.Locator("#connection-lost").InnerTextAsync(), "实时连接中断");
        await system.StartGatewayAsync();
        await page.WaitForSelectorAsync("#connection-lost", new PageWaitForSelectorOptions { State = WaitForSelectorState.Hidden, Timeout = 30_000 });
        await Eventually.WaitAsync(() => pendant.IsConnected, TimeSpan.FromSeconds(30), "the pendant back");
        pendant.PressSos();

        await page.Locator("#queue li.card[data-state=open]").WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        Assert.AreEqual(system.ConsoleUrl + "/", page.Url, "still the desk: the session survived the restart (keys beside console.db)");
    }
}
