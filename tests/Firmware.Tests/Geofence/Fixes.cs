using Eldercare.Firmware.Core.Geofence;
using Eldercare.Firmware.Core.Gnss;

namespace Eldercare.Firmware.Tests.Geofence;

/// <summary>Synthetic GGA fixes placed in metres around a point, for the geofence's edge cases.</summary>
internal static class Fixes
{
    /// <summary>Shanghai, where the BeiDou logs were recorded.</summary>
    public const int HomeLatitudeE7 = 312482383;
    public const int HomeLongitudeE7 = 1215874067;

    public static GnssFix At(double northMetres, double eastMetres, int satellites = 12, int hdopHundredths = 90, bool valid = true) =>
        Around(HomeLatitudeE7, HomeLongitudeE7, northMetres, eastMetres, satellites, hdopHundredths, valid);

    public static GnssFix Around(int latitudeE7, int longitudeE7, double northMetres, double eastMetres, int satellites = 12, int hdopHundredths = 90, bool valid = true)
    {
        double metresPerE7 = LocalProjection.MetresPerE7;
        double east = metresPerE7 * Math.Cos(latitudeE7 * 1e-7 * Math.PI / 180);
        long longitude = longitudeE7 + (long)Math.Round(eastMetres / east);
        longitude = longitude > 1_800_000_000 ? longitude - 3_600_000_000 : longitude < -1_800_000_000 ? longitude + 3_600_000_000 : longitude;
        return new GnssFix
        {
            Sentence = GnssFix.FromGga,
            IsValid = valid,
            HasPosition = true,
            Quality = valid ? 1 : 0,
            LatitudeE7 = latitudeE7 + (int)Math.Round(northMetres / metresPerE7),
            LongitudeE7 = (int)longitude,
            Satellites = satellites,
            HdopHundredths = hdopHundredths,
        };
    }

    /// <summary>A circle of <paramref name="radiusMetres"/> around the home point, with the default rules.</summary>
    public static GeofenceOptions HomeCircle(float radiusMetres = 100f)
    {
        var options = new GeofenceOptions();
        options.AddZone(new CircleZone("home", HomeLatitudeE7, HomeLongitudeE7, radiusMetres));
        return options;
    }
}
