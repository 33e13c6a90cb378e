namespace Eldercare.Firmware.Core.Gnss
{
    /// <summary>
    /// Reads the fields of one NMEA sentence straight from the parser's byte buffer (no strings, no allocation; on
    /// nanoFramework a string is UTF-8 and indexing it walks from the start). Each method returns a
    /// <c>Field*</c> code: an empty field is not an error, the caller decides whether it may be empty.
    /// </summary>
    public static class NmeaFields
    {
        public const int FieldOk = 0;
        public const int FieldEmpty = 1;
        public const int FieldBad = 2;

        /// <summary>A coordinate that parses but is outside the globe (latitude > 90, minutes >= 60).</summary>
        public const int FieldOutOfRange = 3;

        private const int MillisecondsPerDay = 86400000;

        /// <summary>Unsigned decimal with an optional fraction, scaled by 10^<paramref name="decimals"/> (extra digits cut), at most 999999.</summary>
        public static int ReadScaled(byte[] data, int start, int end, int decimals, out int value)
        {
            value = 0;
            if (start >= end)
            {
                return FieldEmpty;
            }

            int integerDigits = 0;
            int fractionDigits = -1;
            for (int i = start; i < end; i++)
            {
                byte c = data[i];
                if (c == '.' && fractionDigits < 0)
                {
                    fractionDigits = 0;
                    continue;
                }

                if (c < '0' || c > '9')
                {
                    return FieldBad;
                }

                if (fractionDigits < 0)
                {
                    if (++integerDigits > 6)
                    {
                        return FieldBad;
                    }

                    value = (value * 10) + (c - '0');
                }
                else if (fractionDigits < decimals)
                {
                    fractionDigits++;
                    value = (value * 10) + (c - '0');
                }
            }

            if (integerDigits == 0 && fractionDigits <= 0)
            {
                return FieldBad;
            }

            int scaledDigits = fractionDigits < 0 ? 0 : fractionDigits;
            for (int i = scaledDigits; i < decimals; i++)
            {
                value = value * 10;
            }

            return FieldOk;
        }

        /// <summary>
        /// <c>ddmm.mmmm</c> (latitude, <paramref name="degreeDigits"/> 2) or <c>dddmm.mmmm</c> (longitude, 3) with its
        /// hemisphere letter, to 1e-7 degree, rounded. Minutes are kept as an integer of 1e-7 minute, so the
        /// conversion is exact up to the last digit a receiver sends (7 decimals of a minute = 0.02 mm).
        /// </summary>
        public static int ReadCoordinate(byte[] data, int start, int end, int hemisphereStart, int hemisphereEnd, int degreeDigits, out int valueE7)
        {
            valueE7 = 0;
            bool noValue = start >= end;
            bool noHemisphere = hemisphereStart >= hemisphereEnd;
            if (noValue && noHemisphere)
            {
                return FieldEmpty;
            }

            if (noValue || noHemisphere || hemisphereEnd - hemisphereStart != 1)
            {
                return FieldBad;
            }

            byte hemisphere = data[hemisphereStart];
            bool negative;
            if (degreeDigits == 2 && (hemisphere == 'N' || hemisphere == 'S'))
            {
                negative = hemisphere == 'S';
            }
            else if (degreeDigits == 3 && (hemisphere == 'E' || hemisphere == 'W'))
            {
                negative = hemisphere == 'W';
            }
            else
            {
                return FieldBad;
            }

            int dot = end;
            for (int i = start; i < end; i++)
            {
                if (data[i] == '.')
                {
                    dot = i;
                    break;
                }
            }

            // The standard fixes the minutes at two integer digits; the degrees take the rest (2 or 3 digits).
            if (dot - start != degreeDigits + 2)
            {
                return FieldBad;
            }

            int degrees = 0;
            for (int i = start; i < start + degreeDigits; i++)
            {
                if (data[i] < '0' || data[i] > '9')
                {
                    return FieldBad;
                }

                degrees = (degrees * 10) + (data[i] - '0');
            }

            int minutesE7;
            if (ReadScaled(data, start + degreeDigits, end, 7, out minutesE7) != FieldOk)
            {
                return FieldBad;
            }

            if (minutesE7 >= 600000000)
            {
                return FieldOutOfRange;
            }

            long e7 = (degrees * 10000000L) + ((minutesE7 + 30L) / 60L);
            long limit = degreeDigits == 2 ? 900000000L : 1800000000L;
            if (e7 > limit)
            {
                return FieldOutOfRange;
            }

            valueE7 = (int)(negative ? -e7 : e7);
            return FieldOk;
        }

        /// <summary><c>hhmmss</c> with an optional fraction, to milliseconds of the UTC day (a leap second 60 is allowed).</summary>
        public static int ReadTimeOfDay(byte[] data, int start, int end, out int milliseconds)
        {
            milliseconds = 0;
            if (start >= end)
            {
                return FieldEmpty;
            }

            if (end - start < 6 || (end - start > 6 && data[start + 6] != '.'))
            {
                return FieldBad;
            }

            int hours, minutes, seconds;
            if (!TwoDigits(data, start, out hours) || !TwoDigits(data, start + 2, out minutes) || !TwoDigits(data, start + 4, out seconds))
            {
                return FieldBad;
            }

            if (hours > 23 || minutes > 59 || seconds > 60)
            {
                return FieldBad;
            }

            int fraction = 0;
            if (end - start > 6 && ReadScaled(data, start + 6, end, 3, out fraction) != FieldOk)
            {
                return FieldBad;
            }

            milliseconds = (((hours * 60) + minutes) * 60000) + (seconds * 1000) + fraction;
            if (milliseconds >= MillisecondsPerDay)
            {
                milliseconds = MillisecondsPerDay - 1;
            }

            return FieldOk;
        }

        /// <summary><c>ddmmyy</c> to days since 1970-01-01; two-digit years 80-99 are 1980-1999 (GPS time starts in 1980), 00-79 are 2000-2079.</summary>
        public static int ReadDate(byte[] data, int start, int end, out int days)
        {
            days = 0;
            if (start >= end)
            {
                return FieldEmpty;
            }

            int day, month, year;
            if (end - start != 6 || !TwoDigits(data, start, out day) || !TwoDigits(data, start + 2, out month) || !TwoDigits(data, start + 4, out year))
            {
                return FieldBad;
            }

            if (month < 1 || month > 12 || day < 1 || day > 31)
            {
                return FieldBad;
            }

            year += year >= 80 ? 1900 : 2000;
            days = DaysFromCivil(year, month, day);
            return FieldOk;
        }

        /// <summary>Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).</summary>
        public static int DaysFromCivil(int year, int month, int day)
        {
            int y = month <= 2 ? year - 1 : year;
            int era = (y >= 0 ? y : y - 399) / 400;
            int yearOfEra = y - (era * 400);
            int dayOfYear = ((153 * (month > 2 ? month - 3 : month + 9)) + 2) / 5 + day - 1;
            int dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
            return (era * 146097) + dayOfEra - 719468;
        }

        private static bool TwoDigits(byte[] data, int start, out int value)
        {
            value = 0;
            byte high = data[start];
            byte low = data[start + 1];
            if (high < '0' || high > '9' || low < '0' || low > '9')
            {
                return false;
            }

            value = ((high - '0') * 10) + (low - '0');
            return true;
        }
    }
}
