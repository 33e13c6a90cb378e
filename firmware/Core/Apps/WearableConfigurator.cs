using System.Collections;
using Eldercare.Firmware.Core.Commands;
using Eldercare.Firmware.Core.Geofence;
using Eldercare.Firmware.Core.Wellness;

namespace Eldercare.Firmware.Core.Apps
{
    /// <summary>
    /// A pendant's or watch's side of a configuration downlink: which settings this device has (a wellness check needs
    /// an accelerometer, zones a GNSS module, a card session a kiosk), whether the values pass the same rules as the
    /// options at start (<see cref="WearableOptions.Validate"/> and the parts' own), and their application to the
    /// running parts. Called on the app thread only.
    /// </summary>
    public sealed class WearableConfigurator : IConfigurable
    {
        private readonly WearableOptions _options;
        private readonly AlarmController _alarms;
        private readonly WellnessWatcher _wellness;
        private readonly GeofenceWatcher _geofence;

        /// <param name="wellness">The running wellness check, or null when this device has none.</param>
        /// <param name="geofence">The running geofence, or null when this device has none.</param>
        public WearableConfigurator(WearableOptions options, AlarmController alarms, WellnessWatcher wellness, GeofenceWatcher geofence)
        {
            _options = options;
            _alarms = alarms;
            _wellness = wellness;
            _geofence = geofence;
        }

        public string Check(DeviceConfig c)
        {
            if (c.SessionSeconds != DeviceConfig.Absent)
            {
                return "session: only a kiosk has a card session";
            }

            if (c.HeartbeatSeconds != DeviceConfig.Absent && (c.HeartbeatSeconds < DeviceConfig.MinHeartbeatSeconds || c.HeartbeatSeconds > DeviceConfig.MaxHeartbeatSeconds))
            {
                return "hb must be 10..3600 s (the gateway calls a device offline after a few missed heartbeats)";
            }

            if (c.CancelSeconds != DeviceConfig.Absent && c.CancelSeconds > 600)
            {
                return "cancel must be 0..600 s";
            }

            if (c.ReminderSeconds != DeviceConfig.Absent && c.ReminderSeconds > 3600)
            {
                return "remind must be 0..3600 s (0: never)";
            }

            if (c.LowBatteryPercent != DeviceConfig.Absent && (c.LowBatteryPercent < 1 || c.LowBatteryPercent > 50))
            {
                return "lowbat must be 1..50 %";
            }

            if (c.WakingHours != null || c.InactivityMinutes != DeviceConfig.Absent)
            {
                if (_wellness == null)
                {
                    return "wake/idle: this device has no wellness check (no accelerometer, or switched off)";
                }

                string problem = WellnessWith(c).Validate();
                if (problem != null)
                {
                    return problem;
                }
            }

            if (c.Zones != null)
            {
                if (_geofence == null)
                {
                    return "zones: this device has no geofence (no GNSS module)";
                }

                ArrayList zones = new ArrayList();
                string problem = ZoneText.Parse(c.Zones, zones);
                return problem != null ? problem : _options.Geofence.CopyWithZones(zones).Validate();
            }

            return null;
        }

        public void Apply(DeviceConfig c, long nowMilliseconds)
        {
            if (c.HeartbeatSeconds != DeviceConfig.Absent)
            {
                _options.HeartbeatIntervalSeconds = c.HeartbeatSeconds;
            }

            if (c.CancelSeconds != DeviceConfig.Absent)
            {
                _options.CancelWindowMilliseconds = c.CancelSeconds * 1000;
            }

            if (c.ReminderSeconds != DeviceConfig.Absent)
            {
                _options.HelpReminderSeconds = c.ReminderSeconds;
            }

            _alarms.SetTimings(_options.CancelWindowMilliseconds, _options.HelpReminderSeconds * 1000);
            if (c.LowBatteryPercent != DeviceConfig.Absent)
            {
                // The re-arm level keeps the default 5-point gap, so one crossing still gives one event.
                _options.Battery.LowPercent = c.LowBatteryPercent;
                _options.Battery.RearmPercent = c.LowBatteryPercent + 5;
            }

            if (_wellness != null && (c.WakingHours != null || c.InactivityMinutes != DeviceConfig.Absent))
            {
                WellnessOptions next = WellnessWith(c);
                _options.Wellness.WakingFromMinuteOfDay = next.WakingFromMinuteOfDay;
                _options.Wellness.WakingUntilMinuteOfDay = next.WakingUntilMinuteOfDay;
                _options.Wellness.InactivityMinutes = next.InactivityMinutes;
                _wellness.Monitor.Reconfigure(_options.Wellness);
            }

            if (_geofence != null && c.Zones != null)
            {
                ArrayList zones = new ArrayList();
                ZoneText.Parse(c.Zones, zones);
                _options.Geofence.ReplaceZones(zones);
            }
        }

        private WellnessOptions WellnessWith(DeviceConfig c)
        {
            WellnessOptions next = _options.Wellness.Clone();
            if (c.InactivityMinutes != DeviceConfig.Absent)
            {
                next.InactivityMinutes = c.InactivityMinutes;
            }

            int from, until;
            if (c.WakingHours != null && Wellness.WakingHours.TryParseRange(c.WakingHours, out from, out until))
            {
                next.WakingFromMinuteOfDay = from;
                next.WakingUntilMinuteOfDay = until;
            }

            return next;
        }
    }
}
