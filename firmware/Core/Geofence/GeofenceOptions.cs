using System.Collections;

namespace Eldercare.Firmware.Core.Geofence
{
    /// <summary>
    /// Safe zones and the rules that keep GNSS noise from raising alarms, validated once at start
    /// (<see cref="Validate"/>). The defaults come from the recorded receivers in ../shared/datasets/gnss
    /// (firmware/Core/Geofence/README.md, "Defaults", has the table; GeofenceRealLogTests prints it):
    /// <list type="bullet">
    /// <item>Radius at least 100 m (field practice): gated fixes of the static logs stay within 36 m of the first
    /// one (EG25-G 36 m, SiRF BeiDou 34 m), ungated ones within 207 m (the EG25-G's jump).</item>
    /// <item>Margin 25 m: exit at radius + 25, return at radius - 25. The 50 m band is wider than the largest
    /// spread of gated fixes (36 m), so noise at the fence line cannot cross both lines.</item>
    /// <item>Gate: at least 5 satellites and HDOP at most 5.0. The EG25-G's 207 m and 116 m jumps use 4 and 3
    /// satellites, the noisiest Haicom fixes (HDOP 7.5-21, 25-39 m off) are over the HDOP limit, while the walk
    /// (22-30 satellites, HDOP 0.3-0.5) and the low-cost AT6558R (14-15, 0.9) pass every fix.</item>
    /// <item>5 confirming fixes and 30 s beyond the exit line: the longest run of fixes beyond 100 m in the static
    /// logs, even ungated, is 2 (EG25-G from its first fix or median: 207 m, 116 m); a walker at 1.1 m/s (the recorded median) goes 34 m
    /// further before the alarm.</item>
    /// <item>No position after 120 s without a good fix: longer than any cold start in the logs (37 s, Telit) and
    /// the AT6558R's datasheet cold start (35 s), so a boot does not report "no position".</item>
    /// </list>
    /// </summary>
    public sealed class GeofenceOptions
    {
        /// <summary>Smallest circle radius (and polygon area: a circle of it) accepted.</summary>
        public const float MinimumRadiusMetres = 100f;

        /// <summary>Largest extent of a zone, where the projection's error stays under 0.1% (LocalProjection).</summary>
        public const float MaximumZoneSizeMetres = 2000f;

        public const int MaxZones = 8;

        private readonly ArrayList _zones = new ArrayList();

        public GeofenceOptions()
        {
            MarginMetres = 25f;
            MinSatellites = 5;
            MaxHdopHundredths = 500;
            ConfirmingFixes = 5;
            ExitDebounceMilliseconds = 30000;
            ReturnDebounceMilliseconds = 10000;
            NoPositionAfterMilliseconds = 120000;
        }

        /// <summary>Hysteresis half-width: exit beyond radius + margin, return within radius - margin.</summary>
        public float MarginMetres { get; set; }

        /// <summary>A fix with fewer satellites used is ignored (neither inside nor outside).</summary>
        public int MinSatellites { get; set; }

        /// <summary>A fix with a larger HDOP (x 100), or none, is ignored.</summary>
        public int MaxHdopHundredths { get; set; }

        /// <summary>Good fixes beyond the line needed for an exit or a return, none of them contradicted in between.</summary>
        public int ConfirmingFixes { get; set; }

        /// <summary>Time from the first fix beyond the exit line to the alarm, at the least.</summary>
        public int ExitDebounceMilliseconds { get; set; }

        /// <summary>Time from the first fix within the return line to the return event, at the least.</summary>
        public int ReturnDebounceMilliseconds { get; set; }

        /// <summary>No good fix for this long: a "no position" status, once per outage.</summary>
        public int NoPositionAfterMilliseconds { get; set; }

        public int ZoneCount
        {
            get { return _zones.Count; }
        }

        public void AddZone(ISafeZone zone)
        {
            _zones.Add(zone);
        }

        /// <summary>Replaces every zone (a configuration downlink); the monitor judges the next fix against the new ones.</summary>
        public void ReplaceZones(ArrayList zones)
        {
            _zones.Clear();
            for (int i = 0; i < zones.Count; i++)
            {
                _zones.Add(zones[i]);
            }
        }

        /// <summary>A copy of the rules with <paramref name="zones"/> instead of these zones (to check a configuration first).</summary>
        public GeofenceOptions CopyWithZones(ArrayList zones)
        {
            GeofenceOptions copy = new GeofenceOptions();
            copy.MarginMetres = MarginMetres;
            copy.MinSatellites = MinSatellites;
            copy.MaxHdopHundredths = MaxHdopHundredths;
            copy.ConfirmingFixes = ConfirmingFixes;
            copy.ExitDebounceMilliseconds = ExitDebounceMilliseconds;
            copy.ReturnDebounceMilliseconds = ReturnDebounceMilliseconds;
            copy.NoPositionAfterMilliseconds = NoPositionAfterMilliseconds;
            copy.ReplaceZones(zones);
            return copy;
        }

        public ISafeZone ZoneAt(int index)
        {
            return (ISafeZone)_zones[index];
        }

        /// <summary>Null when valid, else the first problem in words.</summary>
        public string Validate()
        {
            if (_zones.Count < 1 || _zones.Count > MaxZones)
            {
                return "Geofence needs 1.." + MaxZones.ToString() + " zones";
            }

            for (int i = 0; i < _zones.Count; i++)
            {
                ISafeZone zone = ZoneAt(i);
                string problem = zone == null ? "zone " + i.ToString() + " is null" : zone.Validate();
                if (problem != null)
                {
                    return problem;
                }
            }

            if (!(MarginMetres >= 0f) || MarginMetres >= MinimumRadiusMetres / 2f)
            {
                return "MarginMetres must be 0..49 (half the minimum radius, so the return line stays inside the zone)";
            }

            if (MinSatellites < 4 || MinSatellites > 30)
            {
                return "MinSatellites must be 4..30 (4 is the least for a 3D fix)";
            }

            if (MaxHdopHundredths < 100 || MaxHdopHundredths > 2000)
            {
                return "MaxHdopHundredths must be 100..2000";
            }

            if (ConfirmingFixes < 1 || ConfirmingFixes > 60)
            {
                return "ConfirmingFixes must be 1..60";
            }

            if (ExitDebounceMilliseconds < 0 || ExitDebounceMilliseconds > 600000 || ReturnDebounceMilliseconds < 0 || ReturnDebounceMilliseconds > 600000)
            {
                return "ExitDebounceMilliseconds and ReturnDebounceMilliseconds must be 0..600000";
            }

            if (NoPositionAfterMilliseconds < 10000 || NoPositionAfterMilliseconds > 3600000)
            {
                return "NoPositionAfterMilliseconds must be 10000..3600000";
            }

            return null;
        }
    }
}
