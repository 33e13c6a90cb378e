using System.Text;

namespace Eldercare.Firmware.Core.Events
{
    /// <summary>
    /// The device-health fields of a heartbeat in wire format v1 (<c>rssi</c>, <c>fw</c>, <c>hbs</c>;
    /// docs/wire-format.md), written and checked here so the codec keeps one job per part. All are optional and come
    /// after every older field, so a payload without them encodes and decodes exactly as before they existed.
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

        /// <summary>
        /// Shortest heartbeat period a heartbeat reports (<c>hbs</c>), seconds: the shortest a configuration sets
        /// (<c>hb</c>). A device run faster (a test rig's few seconds) leaves the field out: <see cref="PeriodOrNone"/>.
        /// </summary>
        public const int MinHeartbeatSeconds = 10;

        /// <summary>Longest reported period: a day, the longest a device's options accept.</summary>
        public const int MaxHeartbeatSeconds = 86400;

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

            if (e.HeartbeatSeconds != DeviceEvent.Absent)
            {
                b.Append(",\"hbs\":");
                b.Append(e.HeartbeatSeconds.ToString());
            }
        }

        /// <summary>Null when the decoded values are acceptable, else the problem (reason bad_field).</summary>
        public static string Check(string type, bool hasSignal, long signalDbm, string firmwareVersion, bool hasPeriod, long heartbeatSeconds)
        {
            if (hasSignal && (signalDbm < MinSignalDbm || signalDbm > MaxSignalDbm))
            {
                return "rssi must be -127..0 dBm, got " + signalDbm.ToString();
            }

            if (firmwareVersion != null && !IsValidFirmwareVersion(firmwareVersion))
            {
                return "fw must be 1-24 of 0-9, a-z, A-Z, '.', '-', '+'";
            }

            if (hasPeriod && (heartbeatSeconds < MinHeartbeatSeconds || heartbeatSeconds > MaxHeartbeatSeconds))
            {
                // At most three strings per concatenation: String.Concat's overloads of the stable nano runtime.
                return "hbs must be 10..86400 s (the heartbeat period), got " + heartbeatSeconds.ToString();
            }

            if ((hasSignal || firmwareVersion != null || hasPeriod) && type != EventTypes.Heartbeat)
            {
                return "rssi, fw and hbs are only for heartbeat";
            }

            return null;
        }

        /// <summary>A radio's reading as the heartbeat carries it: <paramref name="dbm"/> when in range, else <see cref="DeviceEvent.NoSignal"/>
        /// (not connected, or a reading no Wi-Fi link gives).</summary>
        public static int SignalOrNone(int dbm)
        {
            return dbm >= MinSignalDbm && dbm <= MaxSignalDbm ? dbm : DeviceEvent.NoSignal;
        }

        /// <summary>A heartbeat period as the heartbeat carries it: <paramref name="seconds"/> when the wire can carry it
        /// (10..86400), else <see cref="DeviceEvent.Absent"/>, so the gateway uses its own configured period and the
        /// device never sends what the gateway refuses.</summary>
        public static int PeriodOrNone(int seconds)
        {
            return seconds >= MinHeartbeatSeconds && seconds <= MaxHeartbeatSeconds ? seconds : DeviceEvent.Absent;
        }

        /// <summary>
        /// 1-24 characters of <c>0-9 a-z A-Z . - +</c>: a semantic version with its pre-release and build parts, and
        /// nothing that needs JSON escaping, so the encoder can write it as it is.
        /// </summary>
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
