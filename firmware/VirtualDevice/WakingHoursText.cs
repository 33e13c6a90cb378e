using System.Globalization;

namespace Eldercare.VirtualDevice;

/// <summary>Parses the console's <c>--waking-hours HH:MM-HH:MM</c> into local minutes of the day (24:00 is midnight).</summary>
public static class WakingHoursText
{
    public static bool TryParse(string text, out int fromMinute, out int untilMinute)
    {
        fromMinute = untilMinute = 0;
        string[] parts = text.Split('-');
        return parts.Length == 2 && TryParseTime(parts[0], out fromMinute) && TryParseTime(parts[1], out untilMinute);
    }

    private static bool TryParseTime(string text, out int minuteOfDay)
    {
        minuteOfDay = 0;
        string[] parts = text.Trim().Split(':');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int hours)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minutes)
            || hours > 24 || minutes > 59 || (hours == 24 && minutes != 0))
        {
            return false;
        }

        minuteOfDay = ((hours * 60) + minutes) % 1440;
        return true;
    }
}
