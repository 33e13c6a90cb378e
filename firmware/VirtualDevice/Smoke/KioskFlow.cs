using Eldercare.Firmware.Core.Events;
using Eldercare.VirtualDevice.Cloud;

namespace Eldercare.VirtualDevice.Smoke;

/// <summary>
/// A card tap and 助餐 (meal) on a kiosk -> a <c>checkin</c> with the card and a <c>service</c> request with svc=meal
/// in the service lane, each once at the cloud -> the request acknowledged there -> the kiosk shows "meal Accepted".
/// </summary>
public sealed class KioskFlow(string kioskId, string cardUid) : ISmokeFlow
{
    private const string Service = "meal";

    public string Name => "kiosk";

    public async Task<string> RunAsync(SmokeContext context, CancellationToken cancel)
    {
        VirtualKiosk kiosk = context.Community.FindKiosk(kioskId) ?? throw new SmokeFailure($"no kiosk {kioskId}");
        kiosk.TapCard(cardUid);
        await context.UntilShownAsync(() => kiosk.Display.Lines.Any(l => l.StartsWith("session open", StringComparison.Ordinal)), $"a card session on {kioskId}", cancel);
        kiosk.PressService(Service);

        Task<CloudEvent> checkin = context.ExactlyOnceAsync(kioskId, EventTypes.CheckIn, e => e.Text("card") == cardUid, $"checkin with card {cardUid} from {kioskId}", cancel);
        Task<CloudEvent> request = context.ExactlyOnceAsync(kioskId, EventTypes.ServiceRequest, _ => true, $"service request from {kioskId}", cancel);
        await Task.WhenAll(checkin, request);
        CloudEvent service = await request;
        if (service.Lane != EventTypes.ServiceLane || service.Text("svc") != Service || service.Text("card") != cardUid)
        {
            throw new SmokeFailure($"{service.Id}: lane={service.Lane} svc={service.Text("svc")} card={service.Text("card")}, expected lane={EventTypes.ServiceLane} svc={Service} card={cardUid}");
        }

        await context.AcknowledgeAsync(service, cancel);
        TimeSpan took = await context.UntilShownAsync(() => kiosk.Display.Lines.Contains(Service + " Accepted"), $"'{Service} Accepted' on {kioskId}", cancel);
        return $"checkin {(await checkin).Id} with the card, service {service.Id} svc={Service} in lane {service.Lane}; acknowledged -> '{Service} Accepted' {took.TotalMilliseconds:0} ms later";
    }
}
