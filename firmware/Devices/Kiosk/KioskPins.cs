using nanoFramework.Hardware.Esp32;

namespace Eldercare.Firmware.Devices.Kiosk
{
    /// <summary>
    /// The kiosk's wiring on an ESP32-WROOM-32 (hardware/kiosk.pins.json): an RC522 on SPI1 (every SPI pin set: the
    /// defaults overlap I2C1 on GPIO 19), a big SOS button, six 六助 service buttons (meal, clean, bath, medical, travel,
    /// shop, in ServiceCodes.ByButton order), a buzzer and a status LED. Mains powered: no battery, no deep sleep.
    /// </summary>
    public static class KioskPins
    {
        public const int SpiMosi = 23;
        public const int SpiMiso = 19;
        public const int SpiClock = 18;
        public const int CardReaderChipSelect = 5;
        public const int CardReaderReset = 4;

        public const int SosButton = 13;
        public const int MealButton = 32;
        public const int CleanButton = 33;
        public const int BathButton = 25;
        public const int MedicalButton = 26;
        public const int TravelButton = 27;
        public const int ShopButton = 14;

        public const int Buzzer = 22;
        public const int StatusLed = 2;

        /// <summary>RC522: SPI mode 0, up to 10 MHz; 5 MHz leaves margin for a ribbon cable to the front panel.</summary>
        public const int CardReaderClockHertz = 5000000;

        public static void ConfigureBuses()
        {
            Configuration.SetPinFunction(SpiMosi, DeviceFunction.SPI1_MOSI);
            Configuration.SetPinFunction(SpiMiso, DeviceFunction.SPI1_MISO);
            Configuration.SetPinFunction(SpiClock, DeviceFunction.SPI1_CLOCK);
        }
    }
}
