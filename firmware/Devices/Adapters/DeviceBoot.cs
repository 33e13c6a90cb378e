using System;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Devices.Adapters
{
    /// <summary>What every device does first: read its provisioned settings and CA certificate from the I: drive.</summary>
    public static class DeviceBoot
    {
        public const string Drive = "I:\\";

        /// <summary>The settings, or null after showing the fault and printing why (the device then waits for provisioning).</summary>
        public static DeviceSettings LoadSettings(IIndicator indicator)
        {
            string problem;
            DeviceSettings settings = null;
            try
            {
                string path = Drive + DeviceSettings.FileName;
                problem = File.Exists(path) ? null : path + " not found: provision this device";
                if (problem == null)
                {
                    settings = DeviceSettings.Parse(File.ReadAllBytes(path), out problem);
                }
            }
            catch (Exception)
            {
                problem = "I: drive not readable";
            }

            if (settings == null)
            {
                indicator.Show(IndicatorPattern.Fault);
                Debug.WriteLine("not provisioned: " + problem);
            }

            return settings;
        }

        /// <summary>The CA certificate for TLS, or null (plain MQTT, or a missing file: the connect then fails with a reason).</summary>
        public static X509Certificate LoadCaCertificate(DeviceSettings settings)
        {
            if (!settings.UseTls)
            {
                return null;
            }

            try
            {
                return new X509Certificate(File.ReadAllBytes(Drive + settings.CaFile));
            }
            catch (Exception)
            {
                Debug.WriteLine("CA certificate " + settings.CaFile + " not readable");
                return null;
            }
        }

        /// <summary>An unprovisioned device stops here, showing the fault, until it is flashed and provisioned.</summary>
        public static void WaitForever()
        {
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
