using System.Globalization;
using System.Text;

namespace Eldercare.VirtualDevice.Adapters;

/// <summary>One line of a recorded GNSS log, exactly as the receiver sent it, and when to send it.</summary>
/// <param name="AtMilliseconds">Offset from the start of the replay.</param>
/// <param name="Bytes">The line with its recorded line ending (garbage included).</param>
public sealed record NmeaLogLine(long AtMilliseconds, byte[] Bytes);

/// <summary>
/// Reads a recorded NMEA log for replay into the core's parser, following ../shared/datasets/gnss/README.md
/// ("How to use"): gpsd logs drop their <c>#</c> lines, keep every other byte (garbage is the point) and are paced
/// one receiver cycle per GGA, by the difference of two GGA times when both carry one, else by the period;
/// GnssLogger files (<c>NMEA,&lt;sentence&gt;,&lt;unix ms&gt;</c>) are unwrapped and paced by their timestamps.
/// </summary>
public static class NmeaLog
{
    private const string GnssLoggerPrefix = "NMEA,";

    /// <summary>Longest gap taken from two GGA times; longer ones (a wrong clock) fall back to the period.</summary>
    private const long MaxRecordedGapMilliseconds = 60_000;

    public static IReadOnlyList<NmeaLogLine> Load(string path, long periodMilliseconds = 1000)
    {
        byte[] data = File.ReadAllBytes(path);
        List<byte[]> lines = SplitLines(data);
        return lines.Any(l => StartsWith(l, GnssLoggerPrefix)) ? FromGnssLogger(lines) : FromReceiver(lines, periodMilliseconds);
    }

    private static List<NmeaLogLine> FromReceiver(List<byte[]> lines, long periodMilliseconds)
    {
        var result = new List<NmeaLogLine>();
        long at = 0;
        bool seenGga = false;
        long lastGgaTime = -1;
        foreach (byte[] line in lines)
        {
            if (line.Length > 0 && line[0] == '#')
            {
                continue;
            }

            if (IsGga(line))
            {
                long time = GgaTimeMilliseconds(line);
                if (seenGga)
                {
                    long gap = time >= 0 && lastGgaTime >= 0 ? time - lastGgaTime : -1;
                    at += gap > 0 && gap <= MaxRecordedGapMilliseconds ? gap : periodMilliseconds;
                }

                seenGga = true;
                lastGgaTime = time;
            }

            result.Add(new NmeaLogLine(at, line));
        }

        return result;
    }

    private static List<NmeaLogLine> FromGnssLogger(List<byte[]> lines)
    {
        var result = new List<NmeaLogLine>();
        long first = -1;
        foreach (byte[] line in lines)
        {
            string text = Encoding.ASCII.GetString(line).TrimEnd('\r', '\n');
            int comma = text.LastIndexOf(',');
            if (!text.StartsWith(GnssLoggerPrefix, StringComparison.Ordinal) || comma <= GnssLoggerPrefix.Length
                || !long.TryParse(text.AsSpan(comma + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long unixMilliseconds))
            {
                continue;
            }

            if (first < 0)
            {
                first = unixMilliseconds;
            }

            string sentence = text.Substring(GnssLoggerPrefix.Length, comma - GnssLoggerPrefix.Length);
            result.Add(new NmeaLogLine(unixMilliseconds - first, Encoding.ASCII.GetBytes(sentence + "\r\n")));
        }

        return result;
    }

    private static List<byte[]> SplitLines(byte[] data)
    {
        var lines = new List<byte[]>();
        int start = 0;
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] == '\n')
            {
                lines.Add(data[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < data.Length)
        {
            lines.Add(data[start..]);
        }

        return lines;
    }

    private static bool StartsWith(byte[] line, string prefix)
    {
        if (line.Length < prefix.Length)
        {
            return false;
        }

        for (int i = 0; i < prefix.Length; i++)
        {
            if (line[i] != prefix[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsGga(byte[] line) =>
        line.Length > 7 && line[0] == '$' && line[3] == 'G' && line[4] == 'G' && line[5] == 'A' && line[6] == ',';

    /// <summary>The hhmmss.sss of a GGA line in ms of the day, or -1 (empty or garbled).</summary>
    private static long GgaTimeMilliseconds(byte[] line)
    {
        int start = 7;
        int end = start;
        while (end < line.Length && line[end] != ',')
        {
            end++;
        }

        string field = Encoding.ASCII.GetString(line, start, end - start);
        if (field.Length < 6 || !int.TryParse(field.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int hours)
            || !int.TryParse(field.AsSpan(2, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int minutes)
            || !double.TryParse(field.AsSpan(4), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds))
        {
            return -1;
        }

        return (((hours * 60L) + minutes) * 60_000L) + (long)Math.Round(seconds * 1000.0);
    }
}
