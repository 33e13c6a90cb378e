using System.Text;
using Eldercare.Firmware.Core.Events;
using Eldercare.Security.Tests.Support;
using Eldercare.TestSupport;

namespace Eldercare.Security.Tests;

/// <summary>
/// A card UID is personal data (issue 13): a kiosk's check-ins and requests, a resend, a reused id with another card
/// (an id conflict, logged as a warning), a malformed card and a card where none belongs all go through the gateway;
/// no log line carries any of the card numbers, while the events themselves reach the cloud with their card.
/// </summary>
[TestClass]
[TestCategory("Security")]
public sealed class CardUidNotLoggedTests
{
    private const string Kiosk = "kiosk-0001";
    private static readonly string[] Cards = ["04A1B2C3", "0411223344556A", "0102030405060708090A", "04D5E6F7", "04A1B2C", "04C0FFEE"];

    [TestMethod]
    public async Task KioskFlowsAndRejections_NoCardNumberInTheGatewayLog()
    {
        await using var stack = await SecurityStack.StartAsync(mosquitto: false, [Kiosk]);
        await using var kiosk = await stack.ConnectAsync(Kiosk);

        await kiosk.PublishAsync(new DeviceEvent(Kiosk, 1, 1, EventTypes.CheckIn, 1_764_720_000_000) { Card = Cards[0] });
        await kiosk.PublishAsync(new DeviceEvent(Kiosk, 1, 2, EventTypes.ServiceRequest, 1_764_720_000_100) { Card = Cards[1], Service = ServiceCodes.Meal });
        await kiosk.PublishAsync(new DeviceEvent(Kiosk, 1, 3, EventTypes.Sos, 1_764_720_000_200) { Card = Cards[2] });
        await kiosk.PublishAsync(new DeviceEvent(Kiosk, 1, 1, EventTypes.CheckIn, 1_764_720_000_000) { Card = Cards[0] }); // resend: duplicate
        await kiosk.PublishAsync(new DeviceEvent(Kiosk, 1, 1, EventTypes.CheckIn, 1_764_720_000_000) { Card = Cards[3] }); // same id, another card: id_conflict
        var cloud = await Eventually.WaitAsync(() => stack.Cloud.Database.QueryAsync(Kiosk, null), list => list.Count >= 4, TimeSpan.FromSeconds(15), "the kiosk's events at the cloud");
        await using (var bad = await stack.ConnectAsync(Kiosk))
        {
            await bad.PublishRawAsync(Encoding.UTF8.GetBytes("{\"v\":1,\"id\":\"kiosk-0001:1:9\",\"dev\":\"kiosk-0001\",\"boot\":1,\"seq\":9,\"type\":\"checkin\",\"ts\":1,\"card\":\"" + Cards[4] + "\"}"), Topics.Events(Kiosk));
        }

        await using (var bad = await stack.ConnectAsync(Kiosk))
        {
            await bad.PublishRawAsync(Encoding.UTF8.GetBytes("{\"v\":1,\"id\":\"kiosk-0001:1:10\",\"dev\":\"kiosk-0001\",\"boot\":1,\"seq\":10,\"type\":\"heartbeat\",\"ts\":1,\"card\":\"" + Cards[5] + "\"}"), Topics.Events(Kiosk));
        }

        await stack.Log.WaitForLineAsync(TimeSpan.FromSeconds(10), "id_conflict");
        await stack.Log.WaitForLineAsync(TimeSpan.FromSeconds(10), "rejected", "bad_field");

        Assert.AreEqual(4, cloud.Count, "checkin, service, sos and the conflicting checkin under its derived id");
        var log = string.Join('\n', stack.Log.Lines);
        foreach (var card in Cards)
        {
            Assert.DoesNotContain(card, log, $"card {card} in the gateway's log");
            Assert.DoesNotContain(card.ToLowerInvariant(), log, $"card {card} (lower case) in the gateway's log");
        }
    }
}
