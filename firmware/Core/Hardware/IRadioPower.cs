namespace Eldercare.Firmware.Core.Hardware
{
    /// <summary>
    /// Switches the device's radio (Wi-Fi association + the MQTT session) on and off for the core's radio schedule
    /// (<see cref="Power.RadioSchedule"/>). Optional: a device without it keeps its link up all the time (the kiosk, on
    /// mains). The adapter brings the link up in the background after <see cref="SetWanted"/>(true) (wake, association,
    /// DHCP, MQTT CONNECT: <see cref="IMqttLink.IsConnected"/> turns true when done) and, on false, ends the MQTT session
    /// with a DISCONNECT (so the broker keeps the persistent session and fires no last will) and switches Wi-Fi off.
    /// Called on every app tick with the same value most of the time: it must be cheap and idempotent.
    /// </summary>
    public interface IRadioPower
    {
        void SetWanted(bool on);
    }
}
