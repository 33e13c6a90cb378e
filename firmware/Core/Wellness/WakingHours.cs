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

        /// <summary>"HH:MM" of a minute of the day.</summary>
        public static string Format(int minuteOfDay)
        {
            int hours = minuteOfDay / 60;
            int minutes = minuteOfDay % 60;
            return (hours < 10 ? "0" : string.Empty) + hours.ToString() + ":" + (minutes < 10 ? "0" : string.Empty) + minutes.ToString();
        }
    }
}
