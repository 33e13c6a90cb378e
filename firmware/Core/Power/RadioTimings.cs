namespace Eldercare.Firmware.Core.Power
{
    /// <summary>
    /// How long the radio takes to come up, in milliseconds: the figures the radio schedule and the power budget are
    /// designed around, and the delays the host twin models (VirtualDevice, <c>--radio-delays</c>). Sources
    /// (hardware/power-budget.md "Alarm latency cost of the radio being off"): Espressif ESP-IDF Wi-Fi driver guide
    /// ("Wi-Fi Connect Phase": scan, auth, association; with the channel and BSSID of the known access point kept, the
    /// scan is one channel) and the ESP32 datasheet (RF calibration at wake); DHCP on a LAN access point; MQTT CONNECT /
    /// CONNACK over the LAN; an mbedTLS handshake on a 240 MHz ESP32 (ECDHE-ECDSA P-256, ~1-2 s; the nanoFramework
    /// firmware uses mbedTLS). These are datasheet-level estimates, to be measured on a board (firmware/README.md).
    /// </summary>
    public static class RadioTimings
    {
        /// <summary>Radio and PHY start after light sleep (RF calibration from the data kept in RTC memory).</summary>
        public const int WakeMilliseconds = 150;

        /// <summary>Association with the known access point (one-channel scan, auth, associate, WPA2 4-way handshake).</summary>
        public const int AssociationMilliseconds = 700;

        /// <summary>DHCP on the community LAN (a static address removes it).</summary>
        public const int DhcpMilliseconds = 300;

        /// <summary>TCP + MQTT CONNECT / CONNACK and the command topic's SUBSCRIBE on the LAN, plain MQTT.</summary>
        public const int MqttConnectMilliseconds = 100;

        /// <summary>The TLS handshake on the ESP32 when the gateway link uses TLS (added to the MQTT connect).</summary>
        public const int TlsHandshakeMilliseconds = 1500;

        /// <summary>Everything from "radio off" to "session up" without TLS.</summary>
        public const int ConnectMilliseconds = WakeMilliseconds + AssociationMilliseconds + DhcpMilliseconds + MqttConnectMilliseconds;

        /// <summary>The same with TLS.</summary>
        public const int ConnectWithTlsMilliseconds = ConnectMilliseconds + TlsHandshakeMilliseconds;
    }
}
