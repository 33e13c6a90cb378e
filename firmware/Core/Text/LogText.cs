using System.Text;

namespace Eldercare.Firmware.Core.Text
{
    /// <summary>
    /// Makes a string that came from outside (a username, a topic, an event type, a parser's complaint about the
    /// bytes it got) safe to put in a log line: every control character (C0, DEL, C1), the Unicode line and
    /// paragraph separators and the bidirectional overrides are written as <c>\uXXXX</c> and a backslash as
    /// <c>\\</c>, so a line is always one line, a terminal shows exactly what was sent (<c>\r\x1b[2K</c> erased the
    /// visible line before), and nothing can pass for another field; past <paramref name="maxChars"/> the text is cut
    /// and the cut is said. One rule for the gateway, the cloud stub and the device.
    /// </summary>
    public static class LogText
    {
        /// <summary>What an untrusted string may take of a log line by default.</summary>
        public const int DefaultMaxChars = 120;

        public static string Untrusted(string text)
        {
            return Untrusted(text, DefaultMaxChars);
        }

        public static string Untrusted(string text, int maxChars)
        {
            if (text == null)
            {
                return "(null)";
            }

            int length = text.Length;
            int shown = length <= maxChars ? length : maxChars;
            bool clean = shown == length;
            for (int i = 0; clean && i < shown; i++)
            {
                clean = !NeedsEscape(text[i]);
            }

            if (clean)
            {
                return text;
            }

            StringBuilder builder = new StringBuilder(shown + 16);
            for (int i = 0; i < shown; i++)
            {
                char c = text[i];
                if (c == '\\')
                {
                    builder.Append("\\\\");
                }
                else if (NeedsEscape(c))
                {
                    builder.Append("\\u");
                    AppendHex(builder, c);
                }
                else
                {
                    builder.Append(c);
                }
            }

            if (shown < length)
            {
                builder.Append("...(");
                builder.Append((length - shown).ToString());
                builder.Append(" more chars)");
            }

            return builder.ToString();
        }

        private static bool NeedsEscape(char c)
        {
            return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\\'
                || c == '\u2028' || c == '\u2029' || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
        }

        private static void AppendHex(StringBuilder builder, char c)
        {
            int value = c;
            for (int shift = 12; shift >= 0; shift -= 4)
            {
                int nibble = (value >> shift) & 0xF;
                builder.Append((char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10));
            }
        }
    }
}
