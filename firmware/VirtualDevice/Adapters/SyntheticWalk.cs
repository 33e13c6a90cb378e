using System.Globalization;
using System.Text;

namespace Eldercare.VirtualDevice.Adapters;

/// <summary>
/// A made-up straight walk as a GNSS module would report it (GGA + RMC at 1 Hz, good fixes), stamped with the current
/// UTC time so the core's <c>GnssTimeGuard</c> (time may not jump more than 3 s against the device clock) accepts it.
/// The smoke test uses it to leave a 100 m zone in seconds; a recorded walk cannot be sped up for the same reason.
/// </summary>
public static class SyntheticWalk
{
    private const double MetresPerDegreeLatitude = 111_320.0;

    /// <summary>
    /// <paramref name="seconds"/> + 1 epochs from (<paramref name="homeLatitude"/>, <paramref name="homeLongitude"/>)
    /// due east at <paramref name="metresPerSecond"/>, the first at <paramref name="startUtc"/>, one a second.
    /// </summary>
    public static IReadOnlyList<NmeaLogLine> East(double homeLatitude, double homeLongitude, double metresPerSecond, int seconds, DateTime startUtc)
    {
        if (seconds < 1 || metresPerSecond <= 0 || Math.Abs(homeLatitude) > 80)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), "a walk needs at least a second, a positive speed and a latitude within 80 degrees");
        }

        double metresPerDegreeLongitude = MetresPerDegreeLatitude * Math.Cos(homeLatitude * Math.PI / 180.0);
        var lines = new List<NmeaLogLine>(2 * (seconds + 1));
        for (int i = 0; i <= seconds; i++)
        {
            DateTime at = startUtc.AddSeconds(i);
            double longitude = homeLongitude + (metresPerSecond * i / metresPerDegreeLongitude);
            lines.Add(new NmeaLogLine(i * 1000L, Sentence(Gga(at, homeLatitude, longitude))));
            lines.Add(new NmeaLogLine(i * 1000L, Sentence(Rmc(at, homeLatitude, longitude, metresPerSecond))));
        }

        return lines;
    }

    private static string Gga(DateTime at, double latitude, double longitude) =>
        string.Create(CultureInfo.InvariantCulture, $"GPGGA,{at:HHmmss.ff},{Coordinate(latitude, 2)},{(latitude >= 0 ? 'N' : 'S')},{Coordinate(longitude, 3)},{(longitude >= 0 ? 'E' : 'W')},1,12,0.8,30.0,M,0.0,M,,");

    private static string Rmc(DateTime at, double latitude, double longitude, double metresPerSecond) =>
        string.Create(CultureInfo.InvariantCulture, $"GPRMC,{at:HHmmss.ff},A,{Coordinate(latitude, 2)},{(latitude >= 0 ? 'N' : 'S')},{Coordinate(longitude, 3)},{(longitude >= 0 ? 'E' : 'W')},{metresPerSecond / 0.514444:0.0},90.0,{at:ddMMyy},,,A");

    /// <summary>Degrees and decimal minutes, ddmm.mmmmm (or dddmm.mmmmm).</summary>
    private static string Coordinate(double degrees, int degreeDigits)
    {
        double value = Math.Abs(degrees);
        int whole = (int)value;
        double minutes = Math.Round((value - whole) * 60.0, 5);
        if (minutes >= 60.0)
        {
            whole++;
            minutes -= 60.0;
        }

        return whole.ToString(new string('0', degreeDigits), CultureInfo.InvariantCulture) + minutes.ToString("00.00000", CultureInfo.InvariantCulture);
    }

    private static byte[] Sentence(string body)
    {
        int checksum = 0;
        foreach (char c in body)
        {
            checksum ^= c;
        }

        return Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"${body}*{checksum:X2}\r\n"));
    }
}
