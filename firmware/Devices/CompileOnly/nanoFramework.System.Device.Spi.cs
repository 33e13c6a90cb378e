// COMPILE-ONLY declarations for the firmware compile test (tests/Firmware.Tests/NanoCompile): never shipped, never run,
// referenced by no runnable project; on the device the real package in packages.config provides these types.
// Only the members the device projects use (and their overload siblings) are declared, each signature copied from
// https://github.com/nanoframework/System.Device.Spi/blob/v1.3.89/System.Device.Spi/ (file:line).
namespace System.Device.Spi
{
    public enum SpiMode // SpiMode.cs:13
    {
        Mode0,
        Mode1,
        Mode2,
        Mode3,
    }

    public sealed class SpiConnectionSettings // SpiConnectionSettings.cs:13
    {
        public SpiConnectionSettings(int busId, int chipSelectLine = -1) { } // SpiConnectionSettings.cs:42

        public int ChipSelectLine { get => throw null; set => throw null; } // SpiConnectionSettings.cs:76

        public SpiMode Mode { get => throw null; set => throw null; } // SpiConnectionSettings.cs:89

        public int DataBitLength { get => throw null; set => throw null; } // SpiConnectionSettings.cs:102

        public int ClockFrequency { get => throw null; set => throw null; } // SpiConnectionSettings.cs:115
    }

    public class SpiDevice : IDisposable // SpiDevice.cs:14
    {
        public static SpiDevice Create(SpiConnectionSettings settings) => throw null; // SpiDevice.cs:164

        public void Dispose() => throw null;
    }
}
