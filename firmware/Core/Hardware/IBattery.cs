namespace Eldercare.Firmware.Core.Hardware
{
    /// <summary>Battery gauge (ADC divider on the ESP32) and the charger's status line.</summary>
    public interface IBattery
    {
        /// <summary>0..100, or -1 when the gauge cannot be read.</summary>
        int ReadPercent();

        /// <summary>
        /// True while the device is on its charger: the charger IC's status pin (a TP4056's open-drain CHRG is low
        /// while charging) or USB VBUS sensed through a divider on a GPIO. A bare battery without either says false.
        /// </summary>
        bool ReadCharging();
    }
}
