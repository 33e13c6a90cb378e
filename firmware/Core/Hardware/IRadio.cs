namespace Eldercare.Firmware.Core.Hardware
{
    /// <summary>The Wi-Fi radio's view of its link, for the heartbeat's signal strength (<c>rssi</c>).</summary>
    public interface IRadio
    {
        /// <summary>
        /// Signal strength of the connected access point in dBm (-127..0), or <see cref="int.MinValue"/> when not
        /// connected or unknown. Below about -80 dBm an ESP32 link starts to drop packets: the platform watches it.
        /// </summary>
        int ReadSignalDbm();
    }
}
