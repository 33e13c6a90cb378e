#nullable disable // nanoFramework has no nullable annotations; this file is also compiled into the host tests (tests/Firmware.Tests).
using Eldercare.Firmware.Core.Events;

namespace Eldercare.Firmware.Devices
{
    /// <summary>
    /// What a device reads at boot from <see cref="FileName"/> on its I: drive, written there by provisioning
    /// (nanoff --filedeployment): one "key=value" per line, UTF-8, '#' starts a comment. Keys: id, secret, ssid, psk,
    /// host, port, tls (0 or 1), ca (file on I:, PEM, when tls=1), placement (neck, wrist), zones (watch; ZoneText).
    /// Parsed from the bytes, never by indexing a long string (nanoFramework strings are UTF-8: s[i] walks from the
    /// start). A NUL byte, an over-long line or value, a missing or invalid required key refuses the whole file with a
    /// reason: the device then shows a fault and does not connect with half a configuration. Pure, tested on the host.
    /// </summary>
    public sealed class DeviceSettings
    {
        public const string FileName = "device.txt";

        public const int MaxFileBytes = 4096;

        public const int MaxLineBytes = 512;

        public string DeviceId { get; private set; }

        /// <summary>The device's own MQTT password (per-device credentials; the user name is the device id).</summary>
        public string Secret { get; private set; }

        public string Ssid { get; private set; }

        public string WifiPassword { get; private set; }

        public string GatewayHost { get; private set; }

        public int GatewayPort { get; private set; }

        public bool UseTls { get; private set; }

        /// <summary>The CA certificate's file on I: (tls=1), or null.</summary>
        public string CaFile { get; private set; }

        /// <summary>neck (pendant) or wrist (watch); null for a kiosk.</summary>
        public string Placement { get; private set; }

        /// <summary>Geofence zones (ZoneText), or null.</summary>
        public string Zones { get; private set; }

        /// <summary>Parses the file's bytes; null and the reason in <paramref name="problem"/> when it is not usable.</summary>
        public static DeviceSettings Parse(byte[] data, out string problem)
        {
            problem = null;
            if (data == null || data.Length == 0)
            {
                problem = FileName + " is empty";
                return null;
            }

            if (data.Length > MaxFileBytes)
            {
                problem = FileName + " is " + data.Length.ToString() + " bytes, limit " + MaxFileBytes.ToString();
                return null;
            }

            DeviceSettings settings = new DeviceSettings();
            settings.GatewayPort = 1883;
            int lineNumber = 0;
            int start = 0;
            while (start < data.Length)
            {
                lineNumber++;
                int end = start;
                while (end < data.Length && data[end] != (byte)'\n')
                {
                    if (data[end] == 0)
                    {
                        problem = FileName + " line " + lineNumber.ToString() + ": NUL byte";
                        return null;
                    }

                    end++;
                }

                if (end - start > MaxLineBytes)
                {
                    problem = FileName + " line " + lineNumber.ToString() + ": longer than " + MaxLineBytes.ToString() + " bytes";
                    return null;
                }

                problem = settings.ReadLine(data, start, end, lineNumber);
                if (problem != null)
                {
                    return null;
                }

                start = end + 1;
            }

            problem = settings.Validate();
            return problem == null ? settings : null;
        }

        private string ReadLine(byte[] data, int start, int end, int lineNumber)
        {
            if (end > start && data[end - 1] == (byte)'\r')
            {
                end--;
            }

            if (end == start || data[start] == (byte)'#')
            {
                return null;
            }

            int equals = start;
            while (equals < end && data[equals] != (byte)'=')
            {
                equals++;
            }

            if (equals == end || equals == start)
            {
                return FileName + " line " + lineNumber.ToString() + ": not key=value";
            }

            if (!Utf8.IsValid(Slice(data, start, end), end - start))
            {
                return FileName + " line " + lineNumber.ToString() + ": not UTF-8";
            }

            string key = Text(data, start, equals);
            string value = Text(data, equals + 1, end);
            return Set(key, value, lineNumber);
        }

        private string Set(string key, string value, int lineNumber)
        {
            if (key == "id")
            {
                DeviceId = value;
            }
            else if (key == "secret")
            {
                Secret = value;
            }
            else if (key == "ssid")
            {
                Ssid = value;
            }
            else if (key == "psk")
            {
                WifiPassword = value;
            }
            else if (key == "host")
            {
                GatewayHost = value;
            }
            else if (key == "port")
            {
                long port;
                if (!NumberParser.TryParseLong(value, out port) || port < 1 || port > 65535)
                {
                    return FileName + " line " + lineNumber.ToString() + ": port must be 1..65535";
                }

                GatewayPort = (int)port;
            }
            else if (key == "tls")
            {
                if (value != "0" && value != "1")
                {
                    return FileName + " line " + lineNumber.ToString() + ": tls must be 0 or 1";
                }

                UseTls = value == "1";
            }
            else if (key == "ca")
            {
                CaFile = value;
            }
            else if (key == "placement")
            {
                Placement = value;
            }
            else if (key == "zones")
            {
                Zones = value;
            }

            // Unknown keys are skipped: a newer provisioning tool may write more than this firmware reads.
            return null;
        }

        private string Validate()
        {
            if (!EventCodec.IsValidDeviceId(DeviceId))
            {
                return FileName + ": id must be 1-32 of a-z, 0-9, '-'";
            }

            if (Secret == null || Secret.Length < 16)
            {
                return FileName + ": secret must be at least 16 characters";
            }

            if (Ssid == null || Ssid.Length == 0 || Ssid.Length > 32)
            {
                return FileName + ": ssid must be 1-32 characters";
            }

            if (GatewayHost == null || GatewayHost.Length == 0)
            {
                return FileName + ": host is missing";
            }

            if (UseTls && (CaFile == null || CaFile.Length == 0))
            {
                return FileName + ": tls=1 needs ca (the CA certificate's file on I:)";
            }

            if (Placement != null && Placement != "neck" && Placement != "wrist")
            {
                return FileName + ": placement must be neck or wrist";
            }

            return null;
        }

        private static byte[] Slice(byte[] data, int start, int end)
        {
            byte[] part = new byte[end - start];
            for (int i = 0; i < part.Length; i++)
            {
                part[i] = data[start + i];
            }

            return part;
        }

        private static string Text(byte[] data, int start, int end)
        {
            return end > start ? Utf8.GetString(Slice(data, start, end), end - start).Trim() : string.Empty;
        }
    }
}
