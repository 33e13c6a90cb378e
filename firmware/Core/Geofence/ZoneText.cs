using System.Collections;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.Firmware.Core.Geofence
{
    /// <summary>
    /// Safe zones as one line of text, as a configuration downlink carries them (docs/wire-format.md "Configuration"):
    /// zones separated by <c>;</c>, each a circle <c>c,LAT,LON,RADIUS_M</c> or a polygon <c>p,LAT,LON,LAT,LON,...</c>
    /// (3..<see cref="PolygonZone.MaxVertices"/> corners), degrees with at most 7 decimals, the radius in whole metres.
    /// Example: <c>c,37.5123000,122.1201000,150;p,37.51,122.12,37.52,122.12,37.52,122.13</c>. Zones are named
    /// zone1, zone2, ... in order. Parsing checks the grammar only; <see cref="GeofenceOptions.Validate"/> the rules
    /// (radius, size, count).
    /// </summary>
    public static class ZoneText
    {
        public const int MaxLength = 900;

        /// <summary>True for the characters zone text is made of (so it needs no escaping in JSON, a log or a file).</summary>
        public static bool IsAllowedCharacter(char c)
        {
            return (c >= '0' && c <= '9') || c == '.' || c == ',' || c == ';' || c == '-' || c == 'c' || c == 'p';
        }

        /// <summary>The index of the first character zone text has no place for, or -1 (the codec's JSON check and the parser).</summary>
        public static int FirstDisallowed(string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                if (!IsAllowedCharacter(text[i]))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Adds the zones of <paramref name="text"/> to <paramref name="zones"/>; null, or the first problem in words.</summary>
        public static string Parse(string text, ArrayList zones)
        {
            if (text == null || text.Length == 0)
            {
                return "zones: empty (a device with a geofence needs at least one zone)";
            }

            if (text.Length > MaxLength)
            {
                return "zones: " + text.Length.ToString() + " characters, limit " + MaxLength.ToString();
            }

            int bad = FirstDisallowed(text);
            if (bad >= 0)
            {
                return "zones: character " + (bad + 1).ToString() + " is not one of 0-9 . , ; - c p";
            }

            int start = 0;
            int number = 1;
            while (start <= text.Length)
            {
                int end = text.IndexOf(';', start);
                if (end < 0)
                {
                    end = text.Length;
                }

                string problem = ParseZone(text.Substring(start, end - start), "zone" + number.ToString(), zones);
                if (problem != null)
                {
                    return problem;
                }

                number++;
                start = end + 1;
                if (number > GeofenceOptions.MaxZones + 1)
                {
                    return "zones: more than " + GeofenceOptions.MaxZones.ToString();
                }
            }

            return null;
        }

        private static string ParseZone(string text, string name, ArrayList zones)
        {
            string[] parts = SplitCommas(text);
            if (parts.Length < 1 || (parts[0] != "c" && parts[0] != "p"))
            {
                return name + ": must start with c (circle) or p (polygon)";
            }

            if (parts[0] == "c")
            {
                long radius;
                int latitude, longitude;
                if (parts.Length != 4 || !TryDegrees(parts[1], 90, out latitude) || !TryDegrees(parts[2], 180, out longitude))
                {
                    return name + ": a circle is c,LAT,LON,RADIUS_M with degrees of at most 7 decimals";
                }

                if (!NumberParser.TryParseLong(parts[3], out radius) || radius < 1 || radius > 100000)
                {
                    return name + ": radius must be whole metres";
                }

                zones.Add(new CircleZone(name, latitude, longitude, radius));
                return null;
            }

            int corners = (parts.Length - 1) / 2;
            if ((parts.Length - 1) % 2 != 0 || corners < 3 || corners > PolygonZone.MaxVertices)
            {
                return name + ": a polygon is p followed by 3.." + PolygonZone.MaxVertices.ToString() + " LAT,LON corners";
            }

            int[] latitudes = new int[corners];
            int[] longitudes = new int[corners];
            for (int i = 0; i < corners; i++)
            {
                if (!TryDegrees(parts[1 + (2 * i)], 90, out latitudes[i]) || !TryDegrees(parts[2 + (2 * i)], 180, out longitudes[i]))
                {
                    return name + ": corner " + (i + 1).ToString() + " is not LAT,LON in degrees of at most 7 decimals";
                }
            }

            zones.Add(new PolygonZone(name, latitudes, longitudes));
            return null;
        }

        private static bool TryDegrees(string text, int limit, out int e7)
        {
            long value;
            e7 = 0;
            if (!NumberParser.TryParseFixed(text, 7, out value) || value < -(limit * 10000000L) || value > limit * 10000000L)
            {
                return false;
            }

            e7 = (int)value;
            return true;
        }

        private static string[] SplitCommas(string text)
        {
            int count = 1;
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == ',')
                {
                    count++;
                }
            }

            string[] parts = new string[count];
            int start = 0;
            for (int k = 0; k < count; k++)
            {
                int end = text.IndexOf(',', start);
                if (end < 0)
                {
                    end = text.Length;
                }

                parts[k] = text.Substring(start, end - start);
                start = end + 1;
            }

            return parts;
        }
    }
}
