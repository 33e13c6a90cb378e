using Eldercare.Edge.Gateway.Console;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using Microsoft.Playwright;

namespace Eldercare.Console.Tests;

/// <summary>A kiosk's 助餐 (meal) request: in the service list with the elder found by card, accepted (the kiosk shows it), assigned, done.</summary>
[TestClass]
[TestCategory("Console")]
public sealed class ServiceRequestTests
{
    [TestMethod]
    [Timeout(180_000, CooperativeCancellation = true)]
    public async Task KioskMealRequest_AcceptedAssignedDone()
    {
        await using var system = new ConsoleSystem();
        await system.StartCloudAsync();
        var kiosk = system.AddKiosk("kiosk-0001");
        system.ImportElders("R-0007,赵淑芬,万柏林区和平北路 21 号,老伴 赵明 137 0351 0007,,04A1B2C3\n");
        system.AddUser("op1", ConsoleUsers.Operator);
        await system.StartGatewayAsync();
        await system.ConnectDevicesAsync();
        var page = await system.NewPageAsync();
        await system.LoginAsync(page, "op1");

        kiosk.TapCard("04A1B2C3");
        kiosk.PressService(ServiceCodes.Meal);
        var request = page.Locator("#services li.card[data-state=open]");
        await request.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        var text = await request.InnerTextAsync();
        StringAssert.Contains(text, "助餐");
        StringAssert.Contains(text, "赵淑芬", "the elder found by the card's keyed hash");
        Assert.AreEqual(0, await page.Locator("#queue li.card").CountAsync(), "a request is not an alarm");

        await request.Locator("button.take").ClickAsync();
        await Eventually.WaitAsync(() => kiosk.Display.Lines.Any(l => l.Contains("Accepted", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "the kiosk shows the request accepted");
        var accepted = page.Locator("#services li.card[data-state=taken]");
        await accepted.WaitForAsync(new LocatorWaitForOptions { Timeout = 5_000 });
        var provider = new ConsoleOptions().EffectiveProviders[0];
        await accepted.Locator("select.provider").SelectOptionAsync(provider);
        await accepted.Locator("button.assign").ClickAsync();
        await page.Locator("#services li.card .provider-name").WaitForAsync(new LocatorWaitForOptions { Timeout = 5_000 });
        StringAssert.Contains(await page.Locator("#services li.card .provider-name").InnerTextAsync(), provider);

        await page.Locator("#services li.card button.done").ClickAsync();
        var done = page.Locator("#closed li.card");
        await done.WaitForAsync(new LocatorWaitForOptions { Timeout = 5_000 });
        StringAssert.Contains(await done.InnerTextAsync(), "已完成");
        Assert.AreEqual(0, await page.Locator("#services li.card").CountAsync());
    }
}
