using System.Text;

namespace Eldercare.Firmware.Core.Events
{
    /// <summary>
    /// The position fields of wire format v1 (<c>lat</c>, <c>lon</c>, <c>hdop</c>, <c>sats</c>; docs/wire-format.md):
    /// written and checked here so the codec keeps one job per part. Decimals are fixed-point integers on both
    /// sides (no float formatting, whose output differs between nanoFramework and .NET).
    /// </summary>
    public static class PositionFields
    {
        public const int MaxLatitudeMicrodegrees = 90000000;
        public const int MaxLongitudeMicrodegrees = 180000000;
        public const int MaxHdopHundredths = 9999;
        public const int MaxSatellites = 99;

        public static void Append(StringBuilder b, DeviceEvent e)
        {
            if (e.HasPosition)
            {
                b.Append(",\"lat\":");
                AppendFixed(b, e.LatitudeMicrodegrees, 6);
                b.Append(",\"lon\":");
                AppendFixed(b, e.LongitudeMicrodegrees, 6);
            }

            if (e.HdopHundredths != DeviceEvent.Absent)
            {
                b.Append(",\"hdop\":");
                AppendFixed(b, e.HdopHundredths, 2);
            }

            if (e.Satellites != DeviceEvent.Absent)
            {
                b.Append(",\"sats\":");
                b.Append(e.Satellites.ToString());
            }
        }

        /// <summary>Null when the decoded values are acceptable, else the problem (reason bad_field or missing_field, see <paramref name="missing"/>).</summary>
        public static string Check(string type, bool hasLatitude, bool hasLongitude, long latitude, long longitude, long hdop, bool hasSatellites, long satellites, out bool missing)
        {
            missing = false;
            if (hasLatitude != hasLongitude)
            {
                return "lat and lon come together";
            }

            if (hasLatitude && (latitude < -MaxLatitudeMicrodegrees || latitude > MaxLatitudeMicrodegrees))
            {
                return "lat must be -90..90";
            }

            if (hasLongitude && (longitude < -MaxLongitudeMicrodegrees || longitude > MaxLongitudeMicrodegrees))
            {
                return "lon must be -180..180";
            }

            if (hdop != DeviceEvent.Absent && (hdop < 0 || hdop > MaxHdopHundredths))
            {
                return "hdop must be 0..99.99";
            }

            if (hasSatellites && (satellites < 0 || satellites > MaxSatellites))
            {
                return "sats must be 0..99";
            }

            if (!hasLatitude && EventTypes.NeedsPosition(type))
            {
                missing = true;
                return "lat, lon (a " + type + " event carries its position)";
            }

            return null;
        }

        /// <summary>Shortest decimal of <paramref name="value"/> / 10^<paramref name="decimals"/>: "37.426507", "-122.17", "0.5", "12".</summary>
        public static void AppendFixed(StringBuilder b, int value, int decimals)
        {
            long magnitude = value;
            if (magnitude < 0)
            {
                b.Append('-');
                magnitude = -magnitude;
            }

            long scale = 1;
            for (int i = 0; i < decimals; i++)
            {
                scale *= 10;
            }

            b.Append((magnitude / scale).ToString());
            long fraction = magnitude % scale;
            if (fraction == 0)
            {
                return;
            }

            int digits = decimals;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }

            string text = fraction.ToString();
            b.Append('.');
            for (int i = text.Length; i < digits; i++)
            {
                b.Append('0');
            }

            b.Append(text);
        }
    }
}
