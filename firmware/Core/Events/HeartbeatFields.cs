using System.Text;

namespace Eldercare.Firmware.Core.Events
{
    /// <summary>
    /// The device-health fields of a heartbeat in wire format v1 (<c>rssi</c>, <c>fw</c>; docs/wire-format.md), written
    /// and checked here so the codec keeps one job per part. Both are optional and come after every older field, so a
    /// payload without them encodes and decodes exactly as before they existed.
    /// </summary>
    public static class HeartbeatFields
    {
        /// <summary>
        /// Lowest accepted signal strength. ESP-IDF reports the connected AP's RSSI as an <c>int8_t</c> in dBm
        /// (wifi_ap_record_t.rssi): -127 is its floor, and a received signal is never above 0 dBm at the antenna.
        /// </summary>
        public const int MinSignalDbm = -127;

        public const int MaxSignalDbm = 0;

        /// <summary>"1.4.0", "1.4.0-rc.2+3f2a": enough for semantic versions, short enough for every heartbeat.</summary>
        public const int MaxFirmwareVersionLength = 24;

        public static void Append(StringBuilder b, DeviceEvent e)
        {
            if (e.SignalDbm != DeviceEvent.NoSignal)
            {
                b.Append(",\"rssi\":");
                b.Append(e.SignalDbm.ToString());
            }

            if (e.FirmwareVersion != null)
            {
                b.Append(",\"fw\":");
                EventCodec.AppendString(b, e.FirmwareVersion);
            }
        }

        /// <summary>Null when the decoded values are acceptable, else the problem (reason bad_field).</summary>
        public static string Check(string type, bool hasSignal, long signalDbm, string firmwareVersion)
        {
            if (hasSignal && (signalDbm < MinSignalDbm || signalDbm > MaxSignalDbm))
            {
                return "rssi must be -127..0 dBm, got " + signalDbm.ToString();
            }

            if (firmwareVersion != null && !IsValidFirmwareVersion(firmwareVersion))
            {
                return "fw must be 1-24 of 0-9, a-z, A-Z, '.', '-', '+'";
            }

            if ((hasSignal || firmwareVersion != null) && type != EventTypes.Heartbeat)
            {
                return "rssi and fw are only for heartbeat";
            }

            return null;
        }

        /// <summary>
        /// 1-24 characters of <c>0-9 a-z A-Z . - +</c>: a semantic version with its pre-release and build parts, and
        /// nothing that needs JSON escaping, so the encoder can write it as it is.
        /// </summary>
        /// <summary>A radio's reading as the heartbeat carries it: <paramref name="dbm"/> when in range, else <see cref="DeviceEvent.NoSignal"/>
        /// (not connected, or a reading no Wi-Fi link gives).</summary>
        public static int SignalOrNone(int dbm)
        {
            return dbm >= MinSignalDbm && dbm <= MaxSignalDbm ? dbm : DeviceEvent.NoSignal;
        }

        public static bool IsValidFirmwareVersion(string version)
        {
            if (version == null || version.Length == 0 || version.Length > MaxFirmwareVersionLength)
            {
                return false;
            }

            for (int i = 0; i < version.Length; i++)
            {
                char c = version[i];
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '+'))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
