namespace Eldercare.Firmware.Core.Wellness
{
    /// <summary>
    /// Local waking hours from the device's UTC clock and a configured offset (no time zone database on the device;
    /// China has one zone and no daylight saving time, so an offset is exact there).
    /// </summary>
    public sealed class WakingHours
    {
        /// <summary>
        /// 2020-01-01T00:00Z. An ESP32 without SNTP yet starts its clock at 1970: before this date the time of day is
        /// unknown, and unknown is treated as night (no alarm) rather than guessed.
        /// </summary>
        public const long EarliestPlausibleUtcMilliseconds = 1577836800000;

        private const long MillisecondsPerMinute = 60000;

        private readonly int _fromMinute;
        private readonly int _untilMinute;
        private readonly int _offsetMinutes;

        public WakingHours(int fromMinuteOfDay, int untilMinuteOfDay, int utcOffsetMinutes)
        {
            _fromMinute = fromMinuteOfDay;
            _untilMinute = untilMinuteOfDay;
            _offsetMinutes = utcOffsetMinutes;
        }

        /// <summary>True when the clock is plausible and its local time falls in [from, until) (across midnight if from &gt; until).</summary>
        public bool Contains(long utcUnixMilliseconds)
        {
            if (utcUnixMilliseconds < EarliestPlausibleUtcMilliseconds)
            {
                return false;
            }

            if (_fromMinute == _untilMinute)
            {
                return true;
            }

            int minute = LocalMinuteOfDay(utcUnixMilliseconds, _offsetMinutes);
            if (_fromMinute < _untilMinute)
            {
                return minute >= _fromMinute && minute < _untilMinute;
            }

            return minute >= _fromMinute || minute < _untilMinute;
        }

        /// <summary>"07:00-22:00".</summary>
        public string Describe()
        {
            return Format(_fromMinute) + "-" + Format(_untilMinute);
        }

        /// <summary>Local minute of the day, 0..1439, for a time at or after 1970 plus the offset.</summary>
        public static int LocalMinuteOfDay(long utcUnixMilliseconds, int utcOffsetMinutes)
        {
            long minutes = (utcUnixMilliseconds / MillisecondsPerMinute) + utcOffsetMinutes;
            long minute = minutes % WellnessOptions.MinutesPerDay;
            return (int)(minute < 0 ? minute + WellnessOptions.MinutesPerDay : minute);
        }

        /// <summary>
        /// Parses <c>HH:MM-HH:MM</c> (exactly that shape; 24:00 is midnight) into minutes of the day; false otherwise.
        /// The configuration downlink's <c>wake</c> and the host twin's command line both use it.
        /// </summary>
        public static bool TryParseRange(string text, out int fromMinuteOfDay, out int untilMinuteOfDay)
        {
            fromMinuteOfDay = 0;
            untilMinuteOfDay = 0;
            return text != null && text.Length == 11 && text[5] == '-'
                && TryParseTime(text.Substring(0, 5), out fromMinuteOfDay) && TryParseTime(text.Substring(6, 5), out untilMinuteOfDay);
        }

        /// <summary>"HH:MM" of a minute of the day.</summary>
        public static string Format(int minuteOfDay)
        {
            int hours = minuteOfDay / 60;
            int minutes = minuteOfDay % 60;
            return (hours < 10 ? "0" : string.Empty) + hours.ToString() + ":" + (minutes < 10 ? "0" : string.Empty) + minutes.ToString();
        }

        private static bool TryParseTime(string text, out int minuteOfDay)
        {
            minuteOfDay = 0;
            if (text[2] != ':' || !IsDigit(text[0]) || !IsDigit(text[1]) || !IsDigit(text[3]) || !IsDigit(text[4]))
            {
                return false;
            }

            int hours = ((text[0] - '0') * 10) + (text[1] - '0');
            int minutes = ((text[3] - '0') * 10) + (text[4] - '0');
            if (hours > 24 || minutes > 59 || (hours == 24 && minutes != 0))
            {
                return false;
            }

            minuteOfDay = ((hours * 60) + minutes) % WellnessOptions.MinutesPerDay;
            return true;
        }

        private static bool IsDigit(char c)
        {
            return c >= '0' && c <= '9';
        }
    }
}
