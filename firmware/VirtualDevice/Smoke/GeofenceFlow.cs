using Eldercare.Firmware.Core.Events;
using Eldercare.VirtualDevice.Cloud;

namespace Eldercare.VirtualDevice.Smoke;

/// <summary>
/// A watch walks out of its home zone (its GNSS module replays the walk) -> one <c>geofence</c> alarm with a position
/// outside -> an operator acknowledges it at the cloud stub -> the watch shows HelpComing.
/// </summary>
public sealed class GeofenceFlow(string watchId, double homeLatitude, double homeLongitude, double radiusMetres) : ISmokeFlow
{
    private const double EarthRadiusMetres = 6_371_000;

    public string Name => "geofence";

    public async Task<string> RunAsync(SmokeContext context, CancellationToken cancel)
    {
        VirtualPendant watch = context.Community.Find(watchId) ?? throw new SmokeFailure($"no watch {watchId}");
        if (!watch.Wander())
        {
            throw new SmokeFailure($"{watchId} has no GNSS module");
        }

        CloudEvent alarm = await context.ExactlyOnceAsync(watchId, EventTypes.Geofence, _ => true, $"geofence alarm from {watchId}", cancel);
        if (alarm.Number("lat") is not double lat || alarm.Number("lon") is not double lon)
        {
            throw new SmokeFailure($"{alarm.Id} has no lat/lon");
        }

        double away = Distance(homeLatitude, homeLongitude, lat, lon);
        if (away <= radiusMetres)
        {
            throw new SmokeFailure($"{alarm.Id} at {lat},{lon} is {away:0} m from home, inside the {radiusMetres:0} m zone");
        }

        await context.AcknowledgeAsync(alarm, cancel);
        TimeSpan took = await context.UntilShownAsync(
            () => watch.Indicator.History.Contains(Eldercare.Firmware.Core.Hardware.IndicatorPattern.HelpComing), $"HelpComing on {watchId}", cancel);
        return $"{alarm.Id} once at the cloud, lat={lat} lon={lon} ({away:0} m from home, zone {radiusMetres:0} m; {alarm.Text("info")}); acknowledged -> HelpComing {took.TotalMilliseconds:0} ms later";
    }

    private static double Distance(double lat1, double lon1, double lat2, double lon2)
    {
        double dLat = (lat2 - lat1) * Math.PI / 180;
        double dLon = (lon2 - lon1) * Math.PI / 180;
        double a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(lat1 * Math.PI / 180) * Math.Cos(lat2 * Math.PI / 180) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusMetres * Math.Asin(Math.Sqrt(a));
    }
}
