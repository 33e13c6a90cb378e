#nullable disable // nanoFramework has no nullable annotations; this file is also compiled into the host tests (tests/Firmware.Tests).
namespace Eldercare.Firmware.Devices
{
    /// <summary>
    /// ESP32 (classic, WROOM-32) pin facts the device projects rely on (../shared/NANOFRAMEWORK.md; ESP32 datasheet
    /// section 2.2 and 4.1.2): only RTC pins wake the chip from deep sleep; ADC1 channels 0-7 are GPIO 36, 37, 38, 39,
    /// 32, 33, 34, 35 (ADC2 does not work while Wi-Fi is on); GPIO 34-39 are inputs only, without pull-ups; GPIO 6-11
    /// are wired to the module's flash.
    /// </summary>
    public static class Esp32Pins
    {
        private static readonly int[] Adc1ChannelPins = new int[] { 36, 37, 38, 39, 32, 33, 34, 35 };

        public static bool IsRtcPin(int gpio)
        {
            return gpio == 0 || gpio == 2 || gpio == 4 || (gpio >= 12 && gpio <= 15) || (gpio >= 25 && gpio <= 27) || (gpio >= 32 && gpio <= 39);
        }

        public static bool IsInputOnly(int gpio)
        {
            return gpio >= 34 && gpio <= 39;
        }

        public static bool IsFlashPin(int gpio)
        {
            return gpio >= 6 && gpio <= 11;
        }

        /// <summary>The GPIO of an ADC1 channel, or -1.</summary>
        public static int Adc1ChannelGpio(int channel)
        {
            return channel >= 0 && channel < Adc1ChannelPins.Length ? Adc1ChannelPins[channel] : -1;
        }
    }
}
