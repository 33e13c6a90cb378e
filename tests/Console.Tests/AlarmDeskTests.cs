using System.Diagnostics;
using Eldercare.Edge.Gateway.Console;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.TestSupport;
using Microsoft.Playwright;

namespace Eldercare.Console.Tests;

/// <summary>
/// The desk's main flow in chromium against real processes: a pendant's SOS appears on an open page without a reload
/// (with the elder's record, and the sound due), taking it makes the pendant show "help is coming", a note and a close
/// with an outcome are recorded (the audit page shows them); screenshots of the queue in Chinese and English go to docs/.
/// </summary>
[TestClass]
[TestCategory("Console")]
public sealed class AlarmDeskTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [Timeout(180_000, CooperativeCancellation = true)]
    public async Task Sos_OnTheOpenPageWithin2s_TakeShowsHelpComing_CloseRecordsTheOutcome()
    {
        await using var system = new ConsoleSystem();
        await system.StartCloudAsync();
        var pendant = system.AddPendant("pendant-0001");
        var neighbour = system.AddPendant("pendant-0002");
        var kiosk = system.AddKiosk("kiosk-0001");
        system.ImportElders("R-0001,王秀英,迎泽区柳巷街道 12 号 3 单元 201,女儿 李娟 139 0351 0001,pendant-0001,04A1B2C3\nR-0002,张建国,杏花岭区五一路 8 号,儿子 张伟 138 0351 0002,pendant-0002,\n");
        system.AddUser("op1", ConsoleUsers.Operator);
        system.AddUser("boss", ConsoleUsers.Supervisor);
        await system.StartGatewayAsync();
        await system.ConnectDevicesAsync();
        var page = await system.NewPageAsync();
        await system.LoginAsync(page, "op1");

        // SOS: from the gateway's PUBACK (the alarm is durable) to the card on the page, no reload.
        var stored = new TaskCompletionSource<Stopwatch>(TaskCreationOptions.RunContinuationsAsynchronously);
        pendant.Delivered += entry => { if (entry.Type == EventTypes.Sos) { stored.TrySetResult(Stopwatch.StartNew()); } };
        var navigations = 0;
        page.FrameNavigated += (_, _) => navigations++;
        pendant.PressSos();
        var sinceStored = await stored.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var card = page.Locator("#queue li.card[data-state=open]");
        await card.WaitForAsync(new LocatorWaitForOptions { Timeout = 5_000 });
        var sosToPageMs = sinceStored.ElapsedMilliseconds;
        TestContext.WriteLine($"SOS stored to card on the open page: {sosToPageMs} ms");
        Assert.IsLessThan(2_000L, sosToPageMs, "an SOS on the open page within 2 s");
        Assert.AreEqual(0, navigations, "no reload");
        var id = await card.GetAttributeAsync("data-id");
        Assert.IsNotNull(id);
        StringAssert.Contains(await card.InnerTextAsync(), "王秀英");
        StringAssert.Contains(await card.InnerTextAsync(), "迎泽区柳巷街道 12 号");
        StringAssert.Contains(await card.InnerTextAsync(), "紧急呼救");
        Assert.AreEqual("1", await page.GetAttributeAsync("body", "data-sounding"), "the SOS sound plays until it is taken");
        Assert.AreEqual("running", await page.GetAttributeAsync("body", "data-audio"));

        // A fall of the neighbour and a kiosk meal request for the screenshots: two alarms, ordered by priority then age.
        neighbour.SimulateFall();
        kiosk.TapCard("04A1B2C3");
        kiosk.PressService(ServiceCodes.Meal);
        await page.Locator("#queue li.card").Nth(1).WaitForAsync(new LocatorWaitForOptions { Timeout = 40_000 });
        await page.Locator("#services li.card").WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        Assert.AreEqual(id, await page.Locator("#queue li.card").First.GetAttributeAsync("data-id"), "the older SOS first (same priority)");
        Directory.CreateDirectory(Path.Combine(RepoPaths.Root, "docs"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoPaths.Root, "docs", "console-zh.png"), FullPage = true });
        await page.ClickAsync("#lang");
        await page.WaitForSelectorAsync("html[lang=en] body[data-stream=open]", new PageWaitForSelectorOptions { Timeout = 10_000 });
        await page.Locator("#queue li.card").Nth(1).WaitForAsync();
        StringAssert.Contains(await page.Locator($"#queue li.card[data-id='{id}']").InnerTextAsync(), "SOS");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoPaths.Root, "docs", "console-en.png"), FullPage = true });

        // Take: the pendant shows "help is coming".
        var helpComing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pendant.Indicator.Shown += pattern => { if (pattern == IndicatorPattern.HelpComing) { helpComing.TrySetResult(); } };
        var sinceTake = Stopwatch.StartNew();
        await page.ClickAsync($"#queue li.card[data-id='{id}'] button.take");
        await helpComing.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var takeToDeviceMs = sinceTake.ElapsedMilliseconds;
        TestContext.WriteLine($"take (click) to HelpComing on the pendant: {takeToDeviceMs} ms");
        Assert.IsLessThan(1_000L, takeToDeviceMs, "help is coming within 1 s of the take");
        var taken = page.Locator($"#queue li.card[data-id='{id}'][data-state=taken]");
        await taken.WaitForAsync(new LocatorWaitForOptions { Timeout = 5_000 });
        StringAssert.Contains(await taken.InnerTextAsync(), "op1");

        // The take went upstream too: one alarm_taken at the platform naming the SOS.
        var upstream = await Eventually.WaitAsync(() => system.CloudEventsAsync(EventTypes.AlarmTaken), list => list.Count == 1, TimeSpan.FromSeconds(20), "the alarm_taken at the cloud");
        StringAssert.Contains(upstream[0].GetProperty("payload").GetProperty("info").GetString(), $"ref={id};by=center");

        // Note, then close with an outcome.
        await taken.Locator("input.note-text").FillAsync("Called the daughter, neighbour has the key");
        await taken.Locator("button.add-note").ClickAsync();
        await page.Locator($"#queue li.card[data-id='{id}'] .notes li").WaitForAsync(new LocatorWaitForOptions { Timeout = 5_000 });
        await page.Locator($"#queue li.card[data-id='{id}'] select.outcome").SelectOptionAsync("visit");
        await page.Locator($"#queue li.card[data-id='{id}'] button.close").ClickAsync();
        var closed = page.Locator($"#closed li.card[data-id='{id}']");
        await closed.WaitForAsync(new LocatorWaitForOptions { Timeout = 5_000 });
        StringAssert.Contains(await closed.InnerTextAsync(), "Visit");
        Assert.AreEqual(0, await page.Locator($"#queue li.card[data-id='{id}']").CountAsync());

        // The supervisor's audit page shows who did what.
        var supervisor = await system.NewPageAsync();
        await system.LoginAsync(supervisor, "boss");
        await supervisor.GotoAsync(system.ConsoleUrl + "/audit");
        var audit = await supervisor.Locator("#audit").InnerTextAsync();
        foreach (var action in new[] { "received", "take", "ack_downlink", "note", "close" })
        {
            StringAssert.Contains(audit, action);
        }

        StringAssert.Contains(audit, "visit");
        StringAssert.Contains(audit, "Queued", "the acknowledgement was queued for the pendant");
        var everything = await supervisor.ContentAsync() + await page.ContentAsync();
        Assert.IsFalse(everything.Contains("04A1B2C3", StringComparison.Ordinal), "no card UID in clear on any page");
        Assert.IsFalse(everything.Contains("secret-pendant", StringComparison.Ordinal), "no device secret on any page");
        Assert.IsFalse(system.Gateway!.Output.Contains("王秀英", StringComparison.Ordinal), "no elder's name in the gateway's log");
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task WaitingAmberThenRed_TakenNotClosedEscalated_SupervisorSound_SoundButtonWhenBlocked_ElderList()
    {
        await using var system = new ConsoleSystem();
        await system.StartCloudAsync();
        var pendant = system.AddPendant("pendant-0001");
        system.ImportElders("R-0001,王秀英,迎泽区柳巷街道 12 号,女儿 139 0351 0001,pendant-0001,\n");
        system.AddUser("admin", ConsoleUsers.Admin);
        await system.StartGatewayAsync("--Gateway:Console:EscalateAfterSeconds=2", "--Gateway:Console:AmberAfterSeconds=1", "--Gateway:Console:RedAfterSeconds=2");
        await system.ConnectDevicesAsync();
        var page = await system.NewPageAsync(blockAutoplay: true);
        await system.LoginAsync(page, "admin");
        await page.WaitForSelectorAsync("body[data-audio=blocked]", new PageWaitForSelectorOptions { Timeout = 5_000 });
        Assert.IsTrue(await page.Locator("#sound").IsVisibleAsync(), "so the page offers the button");
        await page.ClickAsync("#sound");
        await page.WaitForSelectorAsync("body[data-audio=running]", new PageWaitForSelectorOptions { Timeout = 5_000 });
        Assert.IsTrue(await page.Locator("#sound").IsHiddenAsync());
        pendant.PressSos();
        var card = page.Locator("#queue li.card[data-state=open]");
        await card.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        var id = (await card.GetAttributeAsync("data-id"))!;
        await page.Locator($"#queue li.card.amber[data-id='{id}']").WaitForAsync(new LocatorWaitForOptions { Timeout = 5_000 });
        await page.Locator($"#queue li.card.red[data-id='{id}']").WaitForAsync(new LocatorWaitForOptions { Timeout = 5_000 });

        await card.Locator("button.take").ClickAsync();

        var escalated = page.Locator($"#queue li.card.escalated[data-id='{id}']");
        await escalated.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        StringAssert.Contains(await escalated.InnerTextAsync(), "已升级");
        await page.WaitForSelectorAsync("body[data-sounding=escalated]", new PageWaitForSelectorOptions { Timeout = 5_000 });

        await page.GotoAsync(system.ConsoleUrl + "/elders");
        var elders = await page.Locator("#elders").InnerTextAsync();
        StringAssert.Contains(elders, "王秀英");
        StringAssert.Contains(elders, "pendant-0001 在线");
        StringAssert.Contains(elders, "未结报警 1");
        await page.ClickAsync("#elders a");
        StringAssert.Contains(await page.Locator("#history").InnerTextAsync(), "已升级");
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task PlatformAcknowledgesFirst_TheCardSaysSo_AndStaysForTheCenterToTake()
    {
        await using var system = new ConsoleSystem();
        await system.StartCloudAsync();
        var pendant = system.AddPendant("pendant-0001");
        system.AddUser("op1", ConsoleUsers.Operator);
        await system.StartGatewayAsync();
        await system.ConnectDevicesAsync();
        var page = await system.NewPageAsync();
        await system.LoginAsync(page, "op1");
        pendant.PressSos();
        var card = page.Locator("#queue li.card[data-state=open]");
        await card.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        var id = (await card.GetAttributeAsync("data-id"))!;
        await Eventually.WaitAsync(() => system.CloudEventsAsync(EventTypes.Sos), list => list.Count == 1, TimeSpan.FromSeconds(20), "the SOS at the cloud");

        Assert.AreEqual(201, await system.AcknowledgeAtCloudAsync(id));

        var ack = page.Locator($"#queue li.card[data-id='{id}'] .platform-ack");
        await ack.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        StringAssert.Contains(await ack.InnerTextAsync(), "平台已确认");
        StringAssert.Contains(await ack.InnerTextAsync(), "city");
        Assert.AreEqual("open", await page.Locator($"#queue li.card[data-id='{id}']").GetAttributeAsync("data-state"), "the center still decides who goes");
    }
}
