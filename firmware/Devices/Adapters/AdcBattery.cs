using System;
using System.Device.Adc;
using System.Device.Gpio;
using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Devices.Adapters
{
    /// <summary>
    /// The cell's level through a 100 k / 100 k divider on an ADC1 channel (ADC2 does not work while Wi-Fi is on) and
    /// the TP4056's CHRG line (open drain, low while charging; GPIO 34-39 have no pull-up, so the board has a 100 k one).
    /// The full-scale voltage is the ESP32 ADC's with 11 dB attenuation (~3.1 V, datasheet table "ADC characteristics");
    /// calibrate <see cref="FullScaleMillivolts"/> per board batch against a meter.
    /// </summary>
    public sealed class AdcBattery : IBattery
    {
        public const int FullScaleMillivolts = 3100;
        public const int DividerRatio = 2;

        private readonly AdcChannel _channel;
        private readonly int _maxRaw;
        private readonly GpioPin _chargerLine;

        public AdcBattery(AdcController controller, AdcChannel channel, GpioPin chargerLine)
        {
            _channel = channel;
            _maxRaw = controller.MaxValue;
            _chargerLine = chargerLine;
        }

        public int ReadPercent()
        {
            try
            {
                int millivolts = BatteryGauge.CellMillivolts(_channel.ReadValue(), _maxRaw, FullScaleMillivolts, DividerRatio);
                return millivolts <= 0 ? -1 : BatteryGauge.Percent(millivolts);
            }
            catch (Exception)
            {
                return -1;
            }
        }

        public bool ReadCharging()
        {
            return _chargerLine != null && _chargerLine.Read() == PinValue.Low;
        }
    }
}
