using System;
using Eldercare.Firmware.Core.Hardware;
using nanoFramework.Hardware.Esp32;

namespace Eldercare.Firmware.Devices.Adapters
{
    /// <summary>
    /// The ESP32's clocks: uptime from the high-resolution timer (microseconds since boot, never set, never jumps: nano's
    /// mscorlib has no Environment.TickCount), wall clock from DateTime.UtcNow, which SNTP sets once Wi-Fi is up (before
    /// that it starts in 1970 or at the last RTC value: the core treats such times as "clock not set").
    /// </summary>
    public sealed class UptimeClock : IClock
    {
        private const long UnixEpochTicks = 621355968000000000;
        private const long TicksPerMillisecond = 10000;

        /// <summary>A wall clock before this year has not been set (TLS needs a valid date to check certificates).</summary>
        public const int FirstValidYear = 2025;

        public long UptimeMilliseconds
        {
            get { return (long)(HighResTimer.GetCurrent() / 1000); }
        }

        public long UtcNowUnixMilliseconds
        {
            get { return (DateTime.UtcNow.Ticks - UnixEpochTicks) / TicksPerMillisecond; }
        }

        public static bool IsWallClockSet
        {
            get { return DateTime.UtcNow.Year >= FirstValidYear; }
        }
    }
}
