using System.Text;
using Eldercare.Firmware.Core.Gnss;

namespace Eldercare.Firmware.Tests.Gnss;

/// <summary>Helpers to feed text to the parser and to build sentences with a correct checksum.</summary>
internal static class Nmea
{
    /// <summary>Feeds every byte at <paramref name="uptimeMilliseconds"/>; returns copies of the fixes completed.</summary>
    public static List<GnssFix> Feed(NmeaParser parser, string text, long uptimeMilliseconds = 0) =>
        Feed(parser, Encoding.Latin1.GetBytes(text), uptimeMilliseconds);

    public static List<GnssFix> Feed(NmeaParser parser, byte[] bytes, long uptimeMilliseconds = 0)
    {
        var fixes = new List<GnssFix>();
        foreach (byte b in bytes)
        {
            if (parser.Feed(b, uptimeMilliseconds))
            {
                var copy = new GnssFix();
                copy.CopyFrom(parser.Fix);
                fixes.Add(copy);
            }
        }

        return fixes;
    }

    /// <summary>"$" + body + "*hh\r\n" with the XOR checksum of the body.</summary>
    public static string WithChecksum(string body)
    {
        int sum = 0;
        foreach (char c in body)
        {
            sum ^= c;
        }

        return "$" + body + "*" + sum.ToString("X2", System.Globalization.CultureInfo.InvariantCulture) + "\r\n";
    }

    /// <summary>A GGA at the given position (degrees), as a module would send it.</summary>
    public static string Gga(double latitude, double longitude, int timeOfDaySeconds, int quality = 1, int satellites = 12, double hdop = 0.9, string talker = "GN")
    {
        string time = (timeOfDaySeconds / 3600).ToString("00", System.Globalization.CultureInfo.InvariantCulture)
            + (timeOfDaySeconds / 60 % 60).ToString("00", System.Globalization.CultureInfo.InvariantCulture)
            + (timeOfDaySeconds % 60).ToString("00", System.Globalization.CultureInfo.InvariantCulture) + ".00";
        return WithChecksum(talker + "GGA," + time + "," + Coordinate(latitude, 2) + "," + (latitude < 0 ? "S" : "N") + ","
            + Coordinate(longitude, 3) + "," + (longitude < 0 ? "W" : "E") + "," + quality + ","
            + satellites.ToString("00", System.Globalization.CultureInfo.InvariantCulture) + ","
            + hdop.ToString("0.0#", System.Globalization.CultureInfo.InvariantCulture) + ",50.0,M,0.0,M,,");
    }

    private static string Coordinate(double degrees, int degreeDigits)
    {
        double magnitude = Math.Abs(degrees);
        int whole = (int)magnitude;
        double minutes = (magnitude - whole) * 60.0;
        string format = new string('0', degreeDigits);
        return whole.ToString(format, System.Globalization.CultureInfo.InvariantCulture)
            + minutes.ToString("00.0000000", System.Globalization.CultureInfo.InvariantCulture);
    }
}
