using Eldercare.Firmware.Core.Commands;

namespace Eldercare.Firmware.Core.Kiosk
{
    /// <summary>A kiosk's side of a configuration downlink: its heartbeat and card session; anything a wearable has is refused.</summary>
    public sealed class KioskConfigurator : IConfigurable
    {
        private readonly KioskOptions _options;

        public KioskConfigurator(KioskOptions options)
        {
            _options = options;
        }

        public string Check(DeviceConfig c)
        {
            if (c.CancelSeconds != DeviceConfig.Absent || c.ReminderSeconds != DeviceConfig.Absent || c.WakingHours != null
                || c.InactivityMinutes != DeviceConfig.Absent || c.Zones != null || c.LowBatteryPercent != DeviceConfig.Absent)
            {
                return "a kiosk has only hb and session (cancel, remind, wake, idle, zones and lowbat are a wearable's)";
            }

            if (c.HeartbeatSeconds != DeviceConfig.Absent && (c.HeartbeatSeconds < DeviceConfig.MinHeartbeatSeconds || c.HeartbeatSeconds > DeviceConfig.MaxHeartbeatSeconds))
            {
                return "hb must be 10..3600 s (the gateway calls a device offline after a few missed heartbeats)";
            }

            if (c.SessionSeconds != DeviceConfig.Absent && (c.SessionSeconds < 5 || c.SessionSeconds > 600))
            {
                return "session must be 5..600 s";
            }

            return null;
        }

        public void Apply(DeviceConfig c, long nowMilliseconds)
        {
            if (c.HeartbeatSeconds != DeviceConfig.Absent)
            {
                _options.HeartbeatIntervalSeconds = c.HeartbeatSeconds;
            }

            if (c.SessionSeconds != DeviceConfig.Absent)
            {
                _options.SessionSeconds = c.SessionSeconds;
            }
        }
    }
}
