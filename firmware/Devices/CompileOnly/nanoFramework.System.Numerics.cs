// COMPILE-ONLY declarations for the firmware compile test (tests/Firmware.Tests/NanoCompile): never shipped, never run,
// referenced by no runnable project; on the device the real package in packages.config provides these types.
// Only the members the device projects use (and their overload siblings) are declared, each signature copied from
// https://github.com/nanoframework/nanoFramework.IoT.Device/blob/122ebb1a7aa12f29df2c177a8f79dca963fa4c1e/devices/System.Numerics/Vector3_Intrinsics.cs
// (line): nano's Vector3 holds DOUBLE fields, unlike .NET's float Vector3.
namespace System.Numerics
{
    public struct Vector3 // Vector3_Intrinsics.cs:12
    {
        public double X; // :17

        public double Y; // :21

        public double Z; // :25

        public Vector3(double x, double y, double z) { X = x; Y = y; Z = z; } // :47
    }
}
