using Eldercare.Firmware.Core.Gnss;
using Eldercare.Firmware.Tests.Falls;
using Eldercare.VirtualDevice.Adapters;

namespace Eldercare.Firmware.Tests.Gnss;

/// <summary>The recorded logs of ../shared/datasets/gnss and a replay of one into the core's parser.</summary>
internal static class GnssLogs
{
    public const string Walk = "gnss_lib_py/pixel6.nmea";
    public const string ColdBoot = "gpsd/gp-320fw-2019-04-07-coldboot.log";

    /// <summary>Every log but the walk: static receivers (the README says which moved a few metres on foot).</summary>
    public static readonly string[] Static =
    [
        "gpsd/quectel-l76k-nmea.log", "gpsd/unicore-um621.log", "gpsd/beidou-bd.log", "gpsd/beidou-gb.log",
        "gpsd/skytraq.log", "gpsd/telit-he910.log", "gpsd/rx210.log", "gpsd/quectel-eg25-g.log",
        "gpsd/garmin-10x.log", "gpsd/haicom-305N.log", "gpsd/ublox-neo-m9n-nmea.log",
    ];

    public static string PathOf(string name) => Path.Combine(SharedData.Datasets, "gnss", name);

    public static IReadOnlyList<NmeaLogLine> Lines(string name) => NmeaLog.Load(PathOf(name));

    /// <summary>Feeds a whole log; each fix is returned with the index of the line that completed it.</summary>
    public static Replay Run(string name)
    {
        var parser = new NmeaParser();
        var fixes = new List<(int Line, GnssFix Fix)>();
        var refusedForContent = new HashSet<int>();
        IReadOnlyList<NmeaLogLine> lines = Lines(name);
        for (int i = 0; i < lines.Count; i++)
        {
            int contentRejects = ContentRejects(parser.Statistics);
            foreach (byte b in lines[i].Bytes)
            {
                if (parser.Feed(b, lines[i].AtMilliseconds))
                {
                    var copy = new GnssFix();
                    copy.CopyFrom(parser.Fix);
                    fixes.Add((i, copy));
                }
            }

            if (ContentRejects(parser.Statistics) != contentRejects)
            {
                refusedForContent.Add(i);
            }
        }

        return new Replay(lines, parser.Statistics, fixes, refusedForContent);
    }

    /// <summary>Rejections of well-formed sentences for what they say (time jumps, impossible coordinates).</summary>
    private static int ContentRejects(NmeaStatistics s) => s.Rejected(NmeaRejectReason.TimeJump) + s.Rejected(NmeaRejectReason.BadCoordinate);

    /// <summary>Great-circle distance in metres (haversine, double): the test's independent yardstick.</summary>
    public static double HaversineMetres(double latitude1, double longitude1, double latitude2, double longitude2)
    {
        const double radius = 6_371_008.8;
        double p1 = latitude1 * Math.PI / 180, p2 = latitude2 * Math.PI / 180;
        double dp = p2 - p1, dl = (longitude2 - longitude1) * Math.PI / 180;
        double h = (Math.Sin(dp / 2) * Math.Sin(dp / 2)) + (Math.Cos(p1) * Math.Cos(p2) * Math.Sin(dl / 2) * Math.Sin(dl / 2));
        return 2 * radius * Math.Asin(Math.Sqrt(h));
    }
}

/// <param name="RefusedForContent">Lines on which the parser refused a well-formed sentence for a time jump or an impossible coordinate.</param>
internal sealed record Replay(IReadOnlyList<NmeaLogLine> Lines, NmeaStatistics Statistics, List<(int Line, GnssFix Fix)> Fixes, HashSet<int> RefusedForContent);
