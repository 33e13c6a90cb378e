// COMPILE-ONLY declarations for the firmware compile test (tests/Firmware.Tests/NanoCompile): never shipped, never run,
// referenced by no runnable project; on the device the real package in packages.config provides these types.
// Only the members the device projects use (and their overload siblings) are declared, each signature copied from
// https://github.com/nanoframework/nanoFramework.Hardware.Esp32/blob/v1.6.42/nanoFramework.Hardware.Esp32/ (file:line).
// DeviceFunction lists only the functions the boards use (the real enum computes each value from the device type; the
// values do not matter to a compile).
namespace nanoFramework.Hardware.Esp32
{
    using System;

    public class Configuration // Configuration.cs:14
    {
        public static void SetPinFunction(int pin, DeviceFunction value) => throw null; // Configuration.cs:25

        public static int GetFunctionPin(DeviceFunction function) => throw null; // Configuration.cs:35
    }

    public enum DeviceFunction // DeviceTypePins.cs:67
    {
        SPI1_MOSI, // DeviceTypePins.cs:72
        SPI1_MISO, // :76
        SPI1_CLOCK, // :80
        I2C1_DATA, // :98
        I2C1_CLOCK, // :102
        COM2_TX, // :133
        COM2_RX, // :137
        COM3_TX, // :150
        COM3_RX, // :154
        PWM1, // :184
        ADC1_CH0, // :249
        ADC1_CH1,
        ADC1_CH2,
        ADC1_CH3,
        ADC1_CH4,
        ADC1_CH5,
        ADC1_CH6, // :273
        ADC1_CH7, // :277
    }

    public enum EspNativeError : int // Errors.cs:13
    {
        OK = 0,
        FAIL = -1,
        NO_MEM = 0x101,
        INVALID_ARG = 0x102,
        INVALID_STATE = 0x103,
    }

    public class Sleep // Sleep.cs:14
    {
        public enum WakeupCause // Sleep.cs:35
        {
            Undefined = 0,
            Ext0 = 2,
            Ext1,
            Timer,
            TouchPad,
            Ulp,
            Gpio,
            Uart,
            Wifi,
            CoCpu,
            CoCpuTrapTrig,
            Bt,
        }

        [Flags]
        public enum WakeupGpioPin : ulong // Sleep.cs:108 (RTC pins of the ESP32 shown; the real enum lists more)
        {
            None = 0,
            Pin0 = 1,
            Pin2 = (ulong)1 << 2,
            Pin4 = (ulong)1 << 4,
            Pin12 = (ulong)1 << 12,
            Pin13 = (ulong)1 << 13,
            Pin14 = (ulong)1 << 14,
            Pin15 = (ulong)1 << 15,
            Pin25 = (ulong)1 << 25,
            Pin26 = (ulong)1 << 26,
            Pin27 = (ulong)1 << 27,
            Pin32 = (ulong)1 << 32,
            Pin33 = (ulong)1 << 33,
            Pin34 = (ulong)1 << 34,
            Pin35 = (ulong)1 << 35,
            Pin36 = (ulong)1 << 36,
            Pin37 = (ulong)1 << 37,
            Pin38 = (ulong)1 << 38,
            Pin39 = (ulong)1 << 39,
        }

        public static EspNativeError EnableWakeupByTimer(TimeSpan time) => throw null; // Sleep.cs:335

        public static EspNativeError EnableWakeupByPin(WakeupGpioPin pin, int level) => throw null; // Sleep.cs:349

        public static EspNativeError StartLightSleep() => throw null; // Sleep.cs:396 (ESP_ERR_INVALID_STATE while Wi-Fi is not stopped)

        public static void StartDeepSleep() => throw null; // Sleep.cs:415 (never returns: the app restarts at Main)

        public static WakeupCause GetWakeupCause() => throw null; // Sleep.cs:427
    }

    public class HighResTimer // HighResTimer.cs
    {
        public static ulong GetCurrent() => throw null; // HighResTimer.cs:60, microseconds since boot
    }
}
