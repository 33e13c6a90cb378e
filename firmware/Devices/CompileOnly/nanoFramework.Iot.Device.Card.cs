// COMPILE-ONLY declarations for the firmware compile test (tests/Firmware.Tests/NanoCompile): never shipped, never run,
// referenced by no runnable project; on the device the real package in packages.config provides these types.
// Only the members the device projects use (and their overload siblings) are declared, each signature copied from
// https://github.com/nanoframework/nanoFramework.IoT.Device/blob/12c74450f9d47b80cd8bbf44f7092da490e5de31/devices/Card/Rfid/Data106kbpsTypeA.cs (line).
namespace Iot.Device.Rfid
{
    public class Data106kbpsTypeA // Data106kbpsTypeA.cs:9
    {
        public byte[] NfcId { get => throw null; set => throw null; } // Data106kbpsTypeA.cs:48
    }
}
