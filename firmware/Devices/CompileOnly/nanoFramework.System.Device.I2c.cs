// COMPILE-ONLY declarations for the firmware compile test (tests/Firmware.Tests/NanoCompile): never shipped, never run,
// referenced by no runnable project; on the device the real package in packages.config provides these types.
// Only the members the device projects use (and their overload siblings) are declared, each signature copied from
// https://github.com/nanoframework/System.Device.I2c/blob/v1.1.29/System.Device.I2c/ (file:line).
namespace System.Device.I2c
{
    public enum I2cBusSpeed // I2cBusSpeed.cs:12
    {
        StandardMode,
        FastMode,
        FastModePlus,
    }

    public sealed class I2cConnectionSettings // I2cConnectionSettings.cs:10
    {
        public I2cConnectionSettings(int busId, int deviceAddress) { } // I2cConnectionSettings.cs:30

        public I2cConnectionSettings(int busId, int deviceAddress, I2cBusSpeed busSpeed) { } // I2cConnectionSettings.cs:39
    }

    public class I2cDevice : IDisposable // I2cDevice.cs:12
    {
        public I2cDevice(I2cConnectionSettings settings) { } // I2cDevice.cs:128

        public static I2cDevice Create(I2cConnectionSettings settings) => throw null; // I2cDevice.cs:119

        public I2cTransferResult Write(SpanByte buffer) => throw null; // I2cDevice.cs:87

        public I2cTransferResult WriteRead(SpanByte writeBuffer, SpanByte readBuffer) => throw null; // I2cDevice.cs:106

        public void Dispose() => throw null; // I2cDevice.cs:163
    }

    public struct I2cTransferResult // I2cTransferResult.cs:11
    {
        public uint BytesTransferred => throw null; // I2cTransferResult.cs:22

        public I2cTransferStatus Status => throw null; // I2cTransferResult.cs:28
    }

    public enum I2cTransferStatus // I2cTransferStatus.cs:10
    {
        UnknownError, // :15
        FullTransfer, // :22
        ClockStretchTimeout, // :27
        PartialTransfer, // :34
        SlaveAddressNotAcknowledged, // :39
    }
}
