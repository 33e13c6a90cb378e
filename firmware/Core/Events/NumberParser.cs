namespace Eldercare.Firmware.Core.Events
{
    /// <summary>
    /// Converts JSON number text (already syntax-checked by <see cref="FlatJsonReader"/>)
    /// without the runtime's parsers, whose behaviour on nanoFramework differs from .NET
    /// (overflow, culture). Overflow is refused, not wrapped.
    /// </summary>
    public static class NumberParser
    {
        /// <summary>An integer: optional '-', digits only, at most 18 digits (fits a long with room).</summary>
        public static bool TryParseLong(string text, out long value)
        {
            value = 0;
            int i = 0;
            bool negative = false;
            if (text.Length > 0 && text[0] == '-')
            {
                negative = true;
                i = 1;
            }

            int digits = text.Length - i;
            if (digits == 0 || digits > 18)
            {
                return false;
            }

            for (; i < text.Length; i++)
            {
                char c = text[i];
                if (c < '0' || c > '9')
                {
                    return false;
                }

                value = (value * 10) + (c - '0');
            }

            if (negative)
            {
                value = -value;
            }

            return true;
        }

        /// <summary>A decimal in 0..1 with no exponent, rounded to thousandths: "0.873" gives 873.</summary>
        public static bool TryParseUnitPerMille(string text, out int perMille)
        {
            perMille = 0;
            if (text.Length == 0 || text[0] == '-' || text.IndexOf('e') >= 0 || text.IndexOf('E') >= 0)
            {
                return false;
            }

            int dot = text.IndexOf('.');
            string whole = dot < 0 ? text : text.Substring(0, dot);
            if (whole != "0" && whole != "1")
            {
                return false;
            }

            int value = whole == "1" ? 1000 : 0;
            if (value == 1000 && dot >= 0)
            {
                for (int i = dot + 1; i < text.Length; i++)
                {
                    if (text[i] != '0')
                    {
                        return false;
                    }
                }
            }
            if (dot >= 0)
            {
                int scale = 100;
                for (int i = dot + 1; i < text.Length; i++)
                {
                    int digit = text[i] - '0';
                    if (scale >= 1)
                    {
                        value += digit * scale;
                    }
                    else if (scale == 0 && digit >= 5 && i == dot + 4)
                    {
                        value += 1;
                    }

                    scale = scale / 10;
                }
            }

            if (value > 1000)
            {
                return false;
            }

            perMille = value;
            return true;
        }

        /// <summary>
        /// A decimal with at most <paramref name="decimals"/> fraction digits and at most 3 integer digits, no
        /// exponent, scaled to an integer: "37.4265" with 6 gives 37426500, "-0.5" with 2 gives -50.
        /// </summary>
        public static bool TryParseFixed(string text, int decimals, out long value)
        {
            value = 0;
            int i = 0;
            bool negative = false;
            if (text.Length > 0 && text[0] == '-')
            {
                negative = true;
                i = 1;
            }

            int integerDigits = 0;
            int fractionDigits = -1;
            for (; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '.' && fractionDigits < 0 && integerDigits > 0)
                {
                    fractionDigits = 0;
                    continue;
                }

                if (c < '0' || c > '9')
                {
                    return false;
                }

                if (fractionDigits < 0)
                {
                    integerDigits++;
                }
                else
                {
                    fractionDigits++;
                }

                value = (value * 10) + (c - '0');
            }

            if (integerDigits == 0 || integerDigits > 3 || fractionDigits == 0 || fractionDigits > decimals)
            {
                return false;
            }

            for (int k = fractionDigits < 0 ? 0 : fractionDigits; k < decimals; k++)
            {
                value *= 10;
            }

            if (negative)
            {
                value = -value;
            }

            return true;
        }
    }
}
