using nanoFramework.Hardware.Esp32;

namespace Eldercare.Firmware.Devices.Watch
{
    /// <summary>
    /// The watch's wiring on an ESP32-WROOM-32 (hardware/watch.pins.json): the pendant's parts plus a GNSS module on
    /// UART2 (COM2). GPIO 16/17 are free on a WROOM (on a WROVER they are the PSRAM's).
    /// </summary>
    public static class WatchPins
    {
        public const int I2cData = 21;
        public const int I2cClock = 22;
        public const int SosButton = 27;
        public const int Vibration = 25;
        public const int Led = 26;

        /// <summary>ADC1 channel 6 = GPIO 34.</summary>
        public const int BatteryAdcChannel = 6;
        public const int ChargerStatus = 35;

        /// <summary>ESP32 receives on 16 (module TX), sends on 17 (module RX).</summary>
        public const int GnssRx = 16;
        public const int GnssTx = 17;
        public const string GnssPort = "COM2";
        public const int GnssBaud = 9600;

        /// <summary>The GNSS module's power switch (P-MOSFET gate): low = powered; the core's duty cycle drives it.</summary>
        public const int GnssPower = 4;

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
            Configuration.SetPinFunction(GnssRx, DeviceFunction.COM2_RX);
            Configuration.SetPinFunction(GnssTx, DeviceFunction.COM2_TX);
        }
    }
}
