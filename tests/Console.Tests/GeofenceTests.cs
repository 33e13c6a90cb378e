using Eldercare.Edge.Gateway.Console;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using Microsoft.Playwright;

namespace Eldercare.Console.Tests;

/// <summary>A watch's geofence alarm on the desk: the last position's coordinates, a map link, its priority after an SOS.</summary>
[TestClass]
[TestCategory("Console")]
public sealed class GeofenceTests
{
    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task Geofence_ShowsTheLastPositionWithAMapLink_AfterAnSos()
    {
        await using var system = new ConsoleSystem();
        await system.StartCloudAsync();
        system.RegisterDevice("watch-0001", "watch");
        system.RegisterDevice("pendant-0009", "pendant");
        system.ImportElders("R-0004,刘建国,小店区迎泽大街 6 号,子女 139,watch-0001,\n");
        system.AddUser("op1", ConsoleUsers.Operator);
        await system.StartGatewayAsync();
        var page = await system.NewPageAsync();
        await system.LoginAsync(page, "op1");
        await using var watch = await MqttTestDevice.ConnectAsync(system.MqttPort, "watch-0001", "secret-watch-0001");
        await using var pendant = await MqttTestDevice.ConnectAsync(system.MqttPort, "pendant-0009", "secret-pendant-0009");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        await watch.PublishAsync(new DeviceEvent("watch-0001", 1, 1, EventTypes.Geofence, now)
        {
            LatitudeMicrodegrees = 37_870_123,
            LongitudeMicrodegrees = 112_550_456,
            HdopHundredths = 90,
            Satellites = 9,
            Info = "zone=home;out=211m",
        });
        await pendant.PublishAsync(new DeviceEvent("pendant-0009", 1, 1, EventTypes.Sos, now));

        await page.Locator("#queue li.card").Nth(1).WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        var geofence = page.Locator("#queue li.card").Nth(1);
        var text = await geofence.InnerTextAsync();
        StringAssert.Contains(text, "离开安全区域");
        StringAssert.Contains(text, "刘建国");
        StringAssert.Contains(text, "37.870123, 112.550456", "the coordinates are always shown");
        StringAssert.Contains(await geofence.Locator("a.map").GetAttributeAsync("href"), "mlat=37.870123&mlon=112.550456");
        StringAssert.Contains(await page.Locator("#queue li.card").First.InnerTextAsync(), "紧急呼救", "priority 1 before priority 2, whatever the age");
        StringAssert.Contains(await page.Locator("#queue li.card").First.InnerTextAsync(), "未登记老人", "a device without a record says so");
    }
}
