namespace Eldercare.Firmware.Core.Hardware
{
    /// <summary>Battery gauge (ADC divider on the ESP32).</summary>
    public interface IBattery
    {
        /// <summary>0..100, or -1 when the gauge cannot be read.</summary>
        int ReadPercent();
    }
}
