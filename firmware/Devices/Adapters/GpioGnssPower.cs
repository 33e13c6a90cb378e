using System.Device.Gpio;
using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Devices.Adapters
{
    /// <summary>
    /// The watch's GNSS power switch for the core's duty cycle: GPIO 4 drives the gate of the P-MOSFET (AO3401A) in the
    /// module's main supply, low = powered (hardware/watch.pins.json, bom.csv). Off, the module runs on its backup
    /// supply (ephemeris and time kept), so the next window is a hot start. Writes the pin only on a change.
    /// </summary>
    public sealed class GpioGnssPower : IGnssPower
    {
        private readonly GpioPin _enable;
        private bool _on;

        /// <param name="enable">the switch's gate, opened as an output; the module starts powered</param>
        public GpioGnssPower(GpioPin enable)
        {
            _enable = enable;
            _enable.Write(PinValue.Low);
            _on = true;
        }

        public bool IsPowered
        {
            get { return _on; }
        }

        public void SetPowered(bool on)
        {
            if (on == _on)
            {
                return;
            }

            _on = on;
            _enable.Write(on ? PinValue.Low : PinValue.High);
        }
    }
}
