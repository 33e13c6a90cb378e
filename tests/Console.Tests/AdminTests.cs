using Eldercare.Edge.Gateway.Console;
using Microsoft.Playwright;

namespace Eldercare.Console.Tests;

/// <summary>An admin imports the community's CSV on the admin page and edits a record; the elders list shows records
/// with card hints only; a bad file is refused by line.</summary>
[TestClass]
[TestCategory("Console")]
public sealed class AdminTests
{
    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task ImportCsvOnThePage_EldersListed_CardsNeverInClear_EditedOnThePage_BadFileRefusedByLine()
    {
        await using var system = new ConsoleSystem();
        await system.StartCloudAsync();
        system.AddPendant("pendant-0001");
        system.AddUser("admin", ConsoleUsers.Admin);
        await system.StartGatewayAsync();
        var page = await system.NewPageAsync();
        await system.LoginAsync(page, "admin");

        await page.GotoAsync(system.ConsoleUrl + "/admin");
        await page.SetInputFilesAsync("#file", new FilePayload
        {
            Name = "elders.csv",
            MimeType = "text/csv",
            Buffer = System.Text.Encoding.UTF8.GetBytes("record_no,name,address,emergency_contacts,devices,cards\nR-1,王秀英,\"迎泽区, 12 号\",女儿 139,pendant-0001,04A1B2C3\nR-2,张建国,五一路 8 号,儿子 138,,\n"),
        });
        await page.ClickAsync("#import");
        StringAssert.Contains(await page.Locator("#message").InnerTextAsync(), "已导入: 2");

        await page.GotoAsync(system.ConsoleUrl + "/elders");
        var elders = await page.Locator("#elders").InnerTextAsync();
        StringAssert.Contains(elders, "王秀英");
        StringAssert.Contains(elders, "迎泽区, 12 号");
        StringAssert.Contains(elders, "••••••C3");
        Assert.IsFalse((await page.ContentAsync()).Contains("04A1B2C3", StringComparison.Ordinal));

        // An admin's edit of one record on the page.
        await page.GotoAsync(system.ConsoleUrl + "/admin");
        await page.Locator("#edit-elders input[name=address]").First.FillAsync("迎泽区新建路 5 号");
        await page.Locator("#edit-elders button[type=submit]").First.ClickAsync();
        await page.GotoAsync(system.ConsoleUrl + "/elders");
        StringAssert.Contains(await page.Locator("#elders").InnerTextAsync(), "迎泽区新建路 5 号");

        await page.GotoAsync(system.ConsoleUrl + "/admin");
        await page.SetInputFilesAsync("#file", new FilePayload
        {
            Name = "bad.csv",
            MimeType = "text/csv",
            Buffer = System.Text.Encoding.UTF8.GetBytes("record_no,name,address,emergency_contacts,devices,cards\nR-3,x,a,b,NOT A DEVICE,\n"),
        });
        await page.ClickAsync("#import");
        StringAssert.Contains(await page.Locator("#message").InnerTextAsync(), "line 2: devices");
        await page.GotoAsync(system.ConsoleUrl + "/elders");
        Assert.IsFalse((await page.Locator("#elders").InnerTextAsync()).Contains("R-3", StringComparison.Ordinal), "nothing of a refused file");
    }
}
