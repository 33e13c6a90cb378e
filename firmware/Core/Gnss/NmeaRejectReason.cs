namespace Eldercare.Firmware.Core.Gnss
{
    /// <summary>
    /// Why the parser dropped a sentence (index into <see cref="NmeaStatistics"/>). Integers, with names for logs and
    /// reports, because nanoFramework's Enum.ToString gives numbers.
    /// </summary>
    public static class NmeaRejectReason
    {
        /// <summary>The <c>*hh</c> checksum does not match the XOR of the bytes between <c>$</c> and <c>*</c> (NMEA 0183: the checksum covers everything between them).</summary>
        public const int BadChecksum = 0;

        /// <summary>The line ended without <c>*hh</c>: a sentence cut off on the wire, or a sender without checksums (every GNSS receiver sends them).</summary>
        public const int NoChecksum = 1;

        /// <summary>A new <c>$</c> came before the end of the line (two sentences run together, a sentence cut by a restart), or <c>*</c> not followed by two hex digits.</summary>
        public const int Truncated = 2;

        /// <summary>Longer than <see cref="NmeaParser.MaxSentenceLength"/>: no GGA or RMC is (the Pixel's $PGLOR lines are), so it is noise, lost line ends or an over-long proprietary sentence.</summary>
        public const int Overlong = 3;

        /// <summary>A byte outside printable ASCII inside a sentence (binary noise, NUL from a receiver restart, wrong baud rate).</summary>
        public const int BadCharacter = 4;

        /// <summary>A GGA or RMC with a field that is not what the standard says (letters in a number, a missing hemisphere, too few fields).</summary>
        public const int BadField = 5;

        /// <summary>Latitude over 90 degrees, longitude over 180, minutes of 60 or more, or a valid fix at exactly 0, 0 (cold-start placeholder).</summary>
        public const int BadCoordinate = 6;

        /// <summary>The UTC time or date moved differently from the device's own clock (a receiver restart with a wrong date, a week rollover, garbage).</summary>
        public const int TimeJump = 7;

        public const int Count = 8;

        public static string NameOf(int reason)
        {
            switch (reason)
            {
                case BadChecksum: return "bad_checksum";
                case NoChecksum: return "no_checksum";
                case Truncated: return "truncated";
                case Overlong: return "overlong";
                case BadCharacter: return "bad_character";
                case BadField: return "bad_field";
                case BadCoordinate: return "bad_coordinate";
                case TimeJump: return "time_jump";
                default: return "unknown";
            }
        }
    }
}
