using nanoFramework.Hardware.Esp32;

namespace Eldercare.Firmware.Devices.Pendant
{
    /// <summary>
    /// The pendant's wiring on an ESP32-WROOM-32 (hardware/pendant.pins.json, hardware/README.md; a test checks that file
    /// against every pin used here). Every bus pin is set explicitly: the ESP32 defaults put I2C1 on GPIO 18/19 and SPI1's
    /// clock on GPIO 19.
    /// </summary>
    public static class PendantPins
    {
        public const int I2cData = 21;
        public const int I2cClock = 22;

        /// <summary>SOS button to GND, pull-up; an RTC pin, so it wakes the chip from deep sleep.</summary>
        public const int SosButton = 27;
        public const int Vibration = 25;
        public const int Led = 26;

        /// <summary>ADC1 channel 6 = GPIO 34 (battery divider); ADC1 because ADC2 does not work while Wi-Fi is on.</summary>
        public const int BatteryAdcChannel = 6;

        /// <summary>TP4056 CHRG (open drain, external 100 k pull-up: GPIO 35 has none).</summary>
        public const int ChargerStatus = 35;

        /// <summary>
        /// The HIL test-mode UART (COM3; COM1 is nanoFramework's debug link, COM2 the watch's GNSS): the ESP32 receives on
        /// GPIO 32 (external 10 k pull-up: an unconnected test pad reads idle) and sends on GPIO 13; the rig's Raspberry Pi
        /// UART crosses to them (hardware/hil-rig.pins.json). 115200 baud, the HIL runner's default.
        /// </summary>
        public const int HilRx = 32;
        public const int HilTx = 13;
        public const string HilPort = "COM3";
        public const int HilBaud = 115200;

        public static void ConfigureBuses()
        {
            Configuration.SetPinFunction(I2cData, DeviceFunction.I2C1_DATA);
            Configuration.SetPinFunction(I2cClock, DeviceFunction.I2C1_CLOCK);
            Configuration.SetPinFunction(HilRx, DeviceFunction.COM3_RX);
            Configuration.SetPinFunction(HilTx, DeviceFunction.COM3_TX);
        }
    }
}
