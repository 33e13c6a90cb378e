using Eldercare.Firmware.Core.Geofence;
using Eldercare.Firmware.Core.Gnss;
using Eldercare.Firmware.Tests.Gnss;

namespace Eldercare.Firmware.Tests.Geofence;

[TestClass]
[TestCategory("Unit")]
public sealed class ZoneGeometryTests
{
    [TestMethod]
    [DataRow(0.0)]
    [DataRow(31.25)]
    [DataRow(47.66)]
    [DataRow(60.0)]
    [DataRow(-75.0)]
    public void DistanceMetres_Within2KmUpTo75Degrees_Within0Point1PercentOfHaversine(double latitude)
    {
        int latitudeE7 = (int)(latitude * 1e7);
        const int longitudeE7 = 1215874067;
        var projection = new LocalProjection(latitudeE7, longitudeE7);
        double worst = 0;

        for (int bearing = 0; bearing < 360; bearing += 15)
        {
            foreach (double metres in new[] { 50.0, 125.0, 500.0, 2000.0 })
            {
                GnssFix p = Fixes.Around(latitudeE7, longitudeE7, metres * Math.Cos(bearing * Math.PI / 180), metres * Math.Sin(bearing * Math.PI / 180));
                double truth = GnssLogs.HaversineMetres(latitude, longitudeE7 * 1e-7, p.LatitudeE7 * 1e-7, p.LongitudeE7 * 1e-7);
                double error = Math.Abs(projection.DistanceMetres(p.LatitudeE7, p.LongitudeE7) - truth) / truth;
                worst = Math.Max(worst, error);
            }
        }

        Assert.IsLessThan(0.001, worst);
    }

    [TestMethod]
    [DataRow(1799995000, -1799995000, 111.0)] // 0.001 degree apart across the antimeridian at the equator: ~111 m, not 40,000 km
    [DataRow(-1799990000, 1799990000, 222.0)]
    public void DistanceMetres_AcrossAntimeridian_Wraps(int referenceLongitudeE7, int longitudeE7, double expectedMetres)
    {
        var projection = new LocalProjection(0, referenceLongitudeE7);

        float metres = projection.DistanceMetres(0, longitudeE7);

        Assert.AreEqual(expectedMetres, metres, 1.0);
    }

    /// <summary>
    /// An L-shaped compound, 300 m x 300 m with the north-east 150 m x 150 m square cut out. Points in metres
    /// (north, east) from its south-west corner.
    /// </summary>
    [TestMethod]
    [DataRow(75.0, 75.0, -75.0)]     // deep inside the foot of the L
    [DataRow(225.0, 75.0, -75.0)]    // in the upright of the L
    [DataRow(225.0, 225.0, 75.0)]    // in the notch (outside), 75 m from both inner edges
    [DataRow(160.0, 160.0, 10.0)]    // in the notch, 10 m from both inner edges: outside, but only 10 m
    [DataRow(140.0, 140.0, -14.14)]  // inside, 10 m north and east of the reflex corner: the corner itself is nearest
    [DataRow(-30.0, 150.0, 30.0)]    // south of the base
    public void SignedDistanceMetres_ConcavePolygon_NegativeInsideExactNearCorner(double north, double east, double expected)
    {
        PolygonZone zone = LShape();
        GnssFix p = Fixes.At(north, east);

        float distance = zone.SignedDistanceMetres(p.LatitudeE7, p.LongitudeE7);

        Assert.AreEqual(expected, distance, 0.5);
    }

    [TestMethod]
    public void Validate_ConfiguredZones_RefusesTooSmallOrBroken()
    {
        Assert.IsNull(new CircleZone("home", Fixes.HomeLatitudeE7, Fixes.HomeLongitudeE7, 100f).Validate());
        Assert.IsNotNull(new CircleZone("home", Fixes.HomeLatitudeE7, Fixes.HomeLongitudeE7, 99f).Validate());
        Assert.IsNotNull(new CircleZone("home", 950_000_000, 0, 200f).Validate());
        Assert.IsNull(LShape().Validate());
        GnssFix a = Fixes.At(0, 0), b = Fixes.At(0, 50), c = Fixes.At(50, 0);
        Assert.IsNotNull(new PolygonZone("tiny", [a.LatitudeE7, b.LatitudeE7, c.LatitudeE7], [a.LongitudeE7, b.LongitudeE7, c.LongitudeE7]).Validate());
        Assert.IsNotNull(new PolygonZone("line", [a.LatitudeE7, b.LatitudeE7], [a.LongitudeE7, b.LongitudeE7]).Validate());
    }

    [TestMethod]
    public void Validate_Options_DefaultsValidAndEachBadValueNamed()
    {
        GeofenceOptions options = Fixes.HomeCircle();
        Assert.IsNull(options.Validate());

        Assert.Contains("zones", new GeofenceOptions().Validate());
        options.MarginMetres = 60f;
        Assert.Contains("MarginMetres", options.Validate());
        options = Fixes.HomeCircle();
        options.MinSatellites = 3;
        Assert.Contains("MinSatellites", options.Validate());
        options = Fixes.HomeCircle();
        options.NoPositionAfterMilliseconds = 1000;
        Assert.Contains("NoPositionAfterMilliseconds", options.Validate());
    }

    internal static PolygonZone LShape()
    {
        double[][] corners = [[0, 0], [0, 300], [150, 300], [150, 150], [300, 150], [300, 0]];
        GnssFix[] points = corners.Select(c => Fixes.At(c[0], c[1])).ToArray();
        return new PolygonZone("compound", points.Select(p => p.LatitudeE7).ToArray(), points.Select(p => p.LongitudeE7).ToArray());
    }
}
