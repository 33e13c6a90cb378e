using System.Collections;
using System.Text;
using Eldercare.Firmware.Core.Geofence;
using Eldercare.Firmware.Core.Wellness;

namespace Eldercare.Firmware.Core.Commands
{
    /// <summary>
    /// The fields of a <c>config</c> command (docs/wire-format.md "Configuration"), for <see cref="CommandCodec"/>: which
    /// keys exist, what each holds, and the grammar each value must have. Ranges that depend on the device (a zone's
    /// radius, the wellness period against the not-worn time) are the device's to check when it applies them.
    /// </summary>
    public static class ConfigFields
    {
        public const int FieldVer = 32;
        public const int FieldHeartbeat = 64;
        public const int FieldCancel = 128;
        public const int FieldRemind = 256;
        public const int FieldWake = 512;
        public const int FieldIdle = 1024;
        public const int FieldZones = 2048;
        public const int FieldLowBattery = 4096;
        public const int FieldSession = 8192;

        /// <summary>Every setting field (not <c>ver</c>): at least one must be present.</summary>
        public const int Settings = FieldHeartbeat | FieldCancel | FieldRemind | FieldWake | FieldIdle | FieldZones | FieldLowBattery | FieldSession;

        /// <summary>The largest number a setting may carry (a day in seconds): anything larger is not a setting.</summary>
        public const int MaxNumber = 86400;

        /// <summary>The field bit of <paramref name="key"/>, or 0 when it is not a configuration field.</summary>
        public static int FieldOf(string key)
        {
            switch (key)
            {
                case "ver": return FieldVer;
                case "hb": return FieldHeartbeat;
                case "cancel": return FieldCancel;
                case "remind": return FieldRemind;
                case "wake": return FieldWake;
                case "idle": return FieldIdle;
                case "zones": return FieldZones;
                case "lowbat": return FieldLowBattery;
                case "session": return FieldSession;
                default: return 0;
            }
        }

        public static bool IsString(int field)
        {
            return field == FieldWake || field == FieldZones;
        }

        /// <summary>Stores a number field; null, or why the value is refused.</summary>
        public static string SetNumber(DeviceConfig config, int field, long value)
        {
            if (field == FieldVer)
            {
                return value < 1 || value > int.MaxValue ? "ver must be 1.." + int.MaxValue.ToString() : null;
            }

            if (value < 0 || value > MaxNumber)
            {
                return "setting out of range 0.." + MaxNumber.ToString();
            }

            int v = (int)value;
            if (field == FieldHeartbeat) { config.HeartbeatSeconds = v; }
            else if (field == FieldCancel) { config.CancelSeconds = v; }
            else if (field == FieldRemind) { config.ReminderSeconds = v; }
            else if (field == FieldIdle) { config.InactivityMinutes = v; }
            else if (field == FieldLowBattery) { config.LowBatteryPercent = v; }
            else { config.SessionSeconds = v; }
            return null;
        }

        /// <summary>Stores a string field after checking its grammar; null, or why it is refused.</summary>
        public static string SetString(DeviceConfig config, int field, string value)
        {
            if (field == FieldWake)
            {
                int from, until;
                if (!WakingHours.TryParseRange(value, out from, out until))
                {
                    return "wake must be HH:MM-HH:MM";
                }

                config.WakingHours = value;
                return null;
            }

            string problem = ZoneText.Parse(value, new ArrayList());
            if (problem != null)
            {
                return problem;
            }

            config.Zones = value;
            return null;
        }

        /// <summary>True when the config's strings can be written into JSON as they are (what the decoder accepts).</summary>
        public static bool HasSafeStrings(DeviceConfig config)
        {
            if (config.WakingHours != null)
            {
                int from, until;
                if (!WakingHours.TryParseRange(config.WakingHours, out from, out until))
                {
                    return false;
                }
            }

            return config.Zones == null || (config.Zones.Length <= ZoneText.MaxLength && ZoneText.FirstDisallowed(config.Zones) < 0);
        }

        /// <summary>Appends <c>,"ver":N</c> and every present setting, in the documented order.</summary>
        public static void Append(StringBuilder b, DeviceConfig config)
        {
            AppendNumber(b, "ver", config.Version);
            AppendNumber(b, "hb", config.HeartbeatSeconds);
            AppendNumber(b, "cancel", config.CancelSeconds);
            AppendNumber(b, "remind", config.ReminderSeconds);
            AppendString(b, "wake", config.WakingHours);
            AppendNumber(b, "idle", config.InactivityMinutes);
            AppendString(b, "zones", config.Zones);
            AppendNumber(b, "lowbat", config.LowBatteryPercent);
            AppendNumber(b, "session", config.SessionSeconds);
        }

        private static void AppendNumber(StringBuilder b, string key, int value)
        {
            if (value == DeviceConfig.Absent)
            {
                return;
            }

            b.Append(",\"");
            b.Append(key);
            b.Append("\":");
            b.Append(value.ToString());
        }

        private static void AppendString(StringBuilder b, string key, string value)
        {
            if (value == null)
            {
                return;
            }

            b.Append(",\"");
            b.Append(key);
            b.Append("\":\"");
            b.Append(value);
            b.Append('"');
        }
    }
}
