namespace Eldercare.Firmware.Core.Hil
{
    /// <summary>
    /// Decodes one line of the HIL serial protocol from bytes (firmware/README.md, "HIL serial protocol"). ASCII only,
    /// fields separated by one space. Never throws: a bad line returns a reason an operator can read.
    /// </summary>
    public static class HilCommandParser
    {
        /// <summary>Samples beyond ±32 g are no accelerometer's output (the MPU6050 tops out at ±16 g).</summary>
        public const int MaximumMilliG = 32000;

        /// <summary>Longest button hold: a minute (a long press is 2 s).</summary>
        public const int MaximumHoldMilliseconds = 60000;

        private static readonly byte[] PingWord = new byte[] { (byte)'P', (byte)'I', (byte)'N', (byte)'G' };
        private static readonly byte[] HilOnWord = new byte[] { (byte)'H', (byte)'I', (byte)'L', (byte)' ', (byte)'O', (byte)'N' };
        private static readonly byte[] HilOffWord = new byte[] { (byte)'H', (byte)'I', (byte)'L', (byte)' ', (byte)'O', (byte)'F', (byte)'F' };
        private static readonly byte[] StatWord = new byte[] { (byte)'S', (byte)'T', (byte)'A', (byte)'T' };
        private static readonly byte[] SosWord = new byte[] { (byte)'S', (byte)'O', (byte)'S', (byte)' ' };

        /// <summary>Decodes <paramref name="line"/>[0..length) into <paramref name="into"/>; null when valid, else the reason.</summary>
        public static string Parse(byte[] line, int length, HilCommand into)
        {
            if (line == null || into == null || length < 0 || length > line.Length)
            {
                return "bad_arguments";
            }

            if (length == 0)
            {
                return "empty";
            }

            for (int i = 0; i < length; i++)
            {
                if (line[i] == 0)
                {
                    return "nul";
                }

                if (line[i] < 0x20 || line[i] > 0x7E)
                {
                    return "not_ascii";
                }
            }

            if (line[0] == (byte)'A' && length > 1 && line[1] == (byte)' ')
            {
                return ParseSample(line, length, into);
            }

            if (line[0] == (byte)'G' && length > 1 && line[1] == (byte)' ')
            {
                return ParseSentence(line, length, into);
            }

            if (Is(line, length, PingWord))
            {
                into.Kind = HilCommandKinds.Ping;
                return null;
            }

            if (Is(line, length, HilOnWord))
            {
                into.Kind = HilCommandKinds.TestModeOn;
                return null;
            }

            if (Is(line, length, HilOffWord))
            {
                into.Kind = HilCommandKinds.TestModeOff;
                return null;
            }

            if (Is(line, length, StatWord))
            {
                into.Kind = HilCommandKinds.Status;
                return null;
            }

            if (StartsWith(line, length, SosWord))
            {
                int end;
                int hold;
                string problem = ParseInteger(line, SosWord.Length, length, 1, MaximumHoldMilliseconds, out hold, out end);
                if (problem != null)
                {
                    return "sos_" + problem;
                }

                if (end != length)
                {
                    return "sos_extra_fields";
                }

                into.Kind = HilCommandKinds.Sos;
                into.HoldMilliseconds = hold;
                return null;
            }

            return "unknown_command";
        }

        private static string ParseSample(byte[] line, int length, HilCommand into)
        {
            int x;
            int y;
            int z;
            int end;
            string problem = ParseInteger(line, 2, length, -MaximumMilliG, MaximumMilliG, out x, out end);
            if (problem == null)
            {
                problem = end < length && line[end] == (byte)' ' ? null : "sample_needs_3_values";
            }

            if (problem == null)
            {
                problem = ParseInteger(line, end + 1, length, -MaximumMilliG, MaximumMilliG, out y, out end);
            }
            else
            {
                y = 0;
            }

            if (problem == null)
            {
                problem = end < length && line[end] == (byte)' ' ? null : "sample_needs_3_values";
            }

            if (problem == null)
            {
                problem = ParseInteger(line, end + 1, length, -MaximumMilliG, MaximumMilliG, out z, out end);
            }
            else
            {
                z = 0;
            }

            if (problem == null && end != length)
            {
                problem = "sample_extra_fields";
            }

            if (problem != null)
            {
                return problem == "sample_needs_3_values" || problem == "sample_extra_fields" ? problem : "sample_" + problem;
            }

            into.Kind = HilCommandKinds.Sample;
            into.XMilliG = x;
            into.YMilliG = y;
            into.ZMilliG = z;
            return null;
        }

        private static string ParseSentence(byte[] line, int length, HilCommand into)
        {
            int count = length - 2;
            if (count < 1 || line[2] != (byte)'$')
            {
                return "sentence_must_start_with_dollar";
            }

            if (count + 2 > HilCommand.MaximumSentenceBytes)
            {
                return "sentence_too_long";
            }

            for (int i = 0; i < count; i++)
            {
                into.Sentence[i] = line[2 + i];
            }

            into.Sentence[count] = (byte)'\r';
            into.Sentence[count + 1] = (byte)'\n';
            into.SentenceLength = count + 2;
            into.Kind = HilCommandKinds.Sentence;
            return null;
        }

        /// <summary>A decimal integer (optional '-') from <paramref name="start"/> up to a space or the end.</summary>
        private static string ParseInteger(byte[] line, int start, int length, int minimum, int maximum, out int value, out int end)
        {
            value = 0;
            end = start;
            bool negative = false;
            if (end < length && line[end] == (byte)'-')
            {
                negative = true;
                end++;
            }

            int digits = 0;
            long magnitude = 0;
            while (end < length && line[end] != (byte)' ')
            {
                byte b = line[end];
                if (b < (byte)'0' || b > (byte)'9')
                {
                    return "not_a_number";
                }

                magnitude = (magnitude * 10) + (b - (byte)'0');
                digits++;
                if (digits > 9)
                {
                    return "out_of_range";
                }

                end++;
            }

            if (digits == 0)
            {
                return "not_a_number";
            }

            long signed = negative ? -magnitude : magnitude;
            if (signed < minimum || signed > maximum)
            {
                return "out_of_range";
            }

            value = (int)signed;
            return null;
        }

        private static bool Is(byte[] line, int length, byte[] word)
        {
            return length == word.Length && StartsWith(line, length, word);
        }

        private static bool StartsWith(byte[] line, int length, byte[] word)
        {
            if (length < word.Length)
            {
                return false;
            }

            for (int i = 0; i < word.Length; i++)
            {
                if (line[i] != word[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
