namespace Eldercare.Firmware.Core.Battery
{
    /// <summary>
    /// When the battery is reported low, validated once at start (<see cref="Validate"/>). 20% of a 1000 mAh cell is
    /// ~6 h at the ESP32's modem-sleep current with Wi-Fi connected (~30 mA, ../shared/NANOFRAMEWORK.md "Power
    /// figures"): time for a carer to put it on the charger the same day. The 5-point hysteresis is wider than an ADC
    /// divider gauge's jitter under load (a few percent), so one crossing is one event.
    /// </summary>
    public sealed class BatteryOptions
    {
        public BatteryOptions()
        {
            LowPercent = 20;
            RearmPercent = 25;
            PollMilliseconds = 2000;
        }

        /// <summary>Below this (two readings in a row): one <c>battery_low</c> event.</summary>
        public int LowPercent { get; set; }

        /// <summary>The next <c>battery_low</c> needs a reading at or above this first (hysteresis).</summary>
        public int RearmPercent { get; set; }

        /// <summary>How often the gauge and the charger line are read; a change must hold for two reads.</summary>
        public int PollMilliseconds { get; set; }

        /// <summary>Null when valid, else the first problem in words.</summary>
        public string Validate()
        {
            if (LowPercent < 1 || LowPercent > 50)
            {
                return "Battery LowPercent must be 1..50";
            }

            if (RearmPercent <= LowPercent || RearmPercent > LowPercent + 30)
            {
                return "Battery RearmPercent must be above LowPercent and at most LowPercent + 30";
            }

            if (PollMilliseconds < 100 || PollMilliseconds > 60000)
            {
                return "Battery PollMilliseconds must be 100..60000";
            }

            return null;
        }
    }
}
