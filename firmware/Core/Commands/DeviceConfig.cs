namespace Eldercare.Firmware.Core.Commands
{
    /// <summary>
    /// The settings a configuration downlink carries (docs/wire-format.md "Configuration"): a version and any of the
    /// settings below; a setting left out keeps its current value (<see cref="Absent"/> / null here). The device keeps
    /// the merged result (<see cref="MergedOnto"/>) as its effective configuration, on flash across reboots.
    /// </summary>
    public sealed class DeviceConfig
    {
        /// <summary>A number setting that the downlink did not carry.</summary>
        public const int Absent = -1;

        /// <summary>Shortest heartbeat period a configuration sets (<c>hb</c>), seconds, on a wearable and a kiosk.</summary>
        public const int MinHeartbeatSeconds = 10;

        /// <summary>
        /// Longest heartbeat period a configuration sets: the gateway calls a device offline after a few missed
        /// heartbeats, so an hour means 3 h of silence at most; its device-health cap for a reported period is this.
        /// </summary>
        public const int MaxHeartbeatSeconds = 3600;

        public DeviceConfig(int version)
        {
            Version = version;
            HeartbeatSeconds = Absent;
            CancelSeconds = Absent;
            ReminderSeconds = Absent;
            InactivityMinutes = Absent;
            LowBatteryPercent = Absent;
            SessionSeconds = Absent;
        }

        /// <summary>1 and up; the device applies only a version newer than the one it runs (<c>ver</c>).</summary>
        public int Version { get; set; }

        /// <summary>Heartbeat period in seconds (<c>hb</c>; wearable and kiosk).</summary>
        public int HeartbeatSeconds { get; set; }

        /// <summary>How long after an alarm a short press cancels it, seconds (<c>cancel</c>; wearable).</summary>
        public int CancelSeconds { get; set; }

        /// <summary>"Still waiting" reminder period while no person has acknowledged, seconds; 0 never (<c>remind</c>; wearable).</summary>
        public int ReminderSeconds { get; set; }

        /// <summary>Waking hours, local time, <c>HH:MM-HH:MM</c> (<c>wake</c>; wearable with an accelerometer).</summary>
        public string WakingHours { get; set; }

        /// <summary>Minutes without movement in waking hours before a wellness alarm (<c>idle</c>; wearable with an accelerometer).</summary>
        public int InactivityMinutes { get; set; }

        /// <summary>Safe zones in <see cref="Geofence.ZoneText"/> form (<c>zones</c>; wearable with GNSS).</summary>
        public string Zones { get; set; }

        /// <summary>Battery percentage under which one <c>battery_low</c> is raised (<c>lowbat</c>; wearable).</summary>
        public int LowBatteryPercent { get; set; }

        /// <summary>A kiosk's card session, seconds (<c>session</c>; kiosk).</summary>
        public int SessionSeconds { get; set; }

        /// <summary>This configuration's settings over <paramref name="basis"/>'s (null: none), with this version.</summary>
        public DeviceConfig MergedOnto(DeviceConfig basis)
        {
            DeviceConfig merged = new DeviceConfig(Version);
            merged.HeartbeatSeconds = Pick(HeartbeatSeconds, basis == null ? Absent : basis.HeartbeatSeconds);
            merged.CancelSeconds = Pick(CancelSeconds, basis == null ? Absent : basis.CancelSeconds);
            merged.ReminderSeconds = Pick(ReminderSeconds, basis == null ? Absent : basis.ReminderSeconds);
            merged.InactivityMinutes = Pick(InactivityMinutes, basis == null ? Absent : basis.InactivityMinutes);
            merged.LowBatteryPercent = Pick(LowBatteryPercent, basis == null ? Absent : basis.LowBatteryPercent);
            merged.SessionSeconds = Pick(SessionSeconds, basis == null ? Absent : basis.SessionSeconds);
            merged.WakingHours = WakingHours != null ? WakingHours : (basis == null ? null : basis.WakingHours);
            merged.Zones = Zones != null ? Zones : (basis == null ? null : basis.Zones);
            return merged;
        }

        private static int Pick(int mine, int theirs)
        {
            return mine != Absent ? mine : theirs;
        }
    }
}
