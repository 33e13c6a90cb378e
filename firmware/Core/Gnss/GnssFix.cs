namespace Eldercare.Firmware.Core.Gnss
{
    /// <summary>
    /// One position report decoded from a GGA or RMC sentence. The parser reuses one instance for every sentence
    /// (no allocation per sentence on a device whose heap is well under 100 KB): copy what you keep with
    /// <see cref="CopyFrom"/>. Coordinates are integers of 1e-7 degree (1.1 cm, the unit u-blox uses): a float has
    /// only 24 bits of mantissa, 4e-6 degree (0.4 m) at 37 degrees, and stock ESP32 firmware computes in single
    /// precision, so positions stay integers until they are turned into metres relative to a nearby point.
    /// </summary>
    public sealed class GnssFix
    {
        /// <summary>Marks an integer field the sentence did not carry (no nullable value types on nanoFramework).</summary>
        public const int Unknown = -1;

        public const int FromGga = 1;
        public const int FromRmc = 2;

        public GnssFix()
        {
            Clear();
        }

        /// <summary><see cref="FromGga"/> or <see cref="FromRmc"/>.</summary>
        public int Sentence { get; set; }

        /// <summary>The talker id (GP, GN, GL, GA, GB, BD, ...) as two ASCII characters, first in the high byte.</summary>
        public int Talker { get; set; }

        /// <summary>True when the receiver says the position is a real fix (GGA quality 1-5; RMC status A and a mode that is not E/N/M/S).</summary>
        public bool IsValid { get; set; }

        /// <summary>True when the sentence carried a latitude and a longitude (a no-fix sentence may carry 0, 0: see <see cref="IsValid"/>).</summary>
        public bool HasPosition { get; set; }

        public int LatitudeE7 { get; set; }

        public int LongitudeE7 { get; set; }

        /// <summary>GGA fix quality 0-8 (0 none, 1 GPS, 2 DGPS, 4/5 RTK, 6 estimated), or <see cref="Unknown"/> (RMC).</summary>
        public int Quality { get; set; }

        /// <summary>Satellites used (GGA), or <see cref="Unknown"/>.</summary>
        public int Satellites { get; set; }

        /// <summary>Horizontal dilution of precision x 100 (GGA), or <see cref="Unknown"/>.</summary>
        public int HdopHundredths { get; set; }

        /// <summary>UTC time of day of the fix in ms, or <see cref="Unknown"/> (empty time field while acquiring).</summary>
        public int UtcTimeOfDayMilliseconds { get; set; }

        /// <summary>UTC date as days since 1970-01-01 (RMC only), or <see cref="Unknown"/>.</summary>
        public int UtcDays { get; set; }

        /// <summary>The device's monotonic time when the sentence ended.</summary>
        public long UptimeMilliseconds { get; set; }

        public void Clear()
        {
            Sentence = 0;
            Talker = 0;
            IsValid = false;
            HasPosition = false;
            LatitudeE7 = 0;
            LongitudeE7 = 0;
            Quality = Unknown;
            Satellites = Unknown;
            HdopHundredths = Unknown;
            UtcTimeOfDayMilliseconds = Unknown;
            UtcDays = Unknown;
            UptimeMilliseconds = 0;
        }

        public void CopyFrom(GnssFix other)
        {
            Sentence = other.Sentence;
            Talker = other.Talker;
            IsValid = other.IsValid;
            HasPosition = other.HasPosition;
            LatitudeE7 = other.LatitudeE7;
            LongitudeE7 = other.LongitudeE7;
            Quality = other.Quality;
            Satellites = other.Satellites;
            HdopHundredths = other.HdopHundredths;
            UtcTimeOfDayMilliseconds = other.UtcTimeOfDayMilliseconds;
            UtcDays = other.UtcDays;
            UptimeMilliseconds = other.UptimeMilliseconds;
        }
    }
}
