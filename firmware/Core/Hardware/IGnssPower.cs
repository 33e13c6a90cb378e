namespace Eldercare.Firmware.Core.Hardware
{
    /// <summary>
    /// Switches the GNSS module's main supply for the core's GNSS duty cycle (<see cref="Power.GnssDutyCycle"/>). Off,
    /// the module keeps ephemeris, almanac and time on its backup supply, so the next power-up is a hot start. On the
    /// watch: GPIO 4 drives the gate of the P-MOSFET in the module's supply (low = powered; hardware/watch.pins.json,
    /// bom.csv); on the host twin: a flag that gates the NMEA replay. Called on every app tick with the same value most
    /// of the time: it must be cheap and idempotent.
    /// </summary>
    public interface IGnssPower
    {
        void SetPowered(bool on);
    }
}
