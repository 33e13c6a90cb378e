// COMPILE-ONLY declarations for the firmware compile test (tests/Firmware.Tests/NanoCompile): never shipped, never run,
// referenced by no runnable project; on the device the real package in packages.config provides these types.
// Only the members the device projects use (and their overload siblings) are declared, each signature copied from
// https://github.com/nanoframework/nanoFramework.IoT.Device/blob/225c2a90cc71eb06ed609279c2e0ae8ec0dab8c5/devices/Mpu9250/
// (file:line; the package 1.2.931 is built from this folder). GetAccelerometer() returns m/s² (the doc comment says g),
// scaled by 1 / (1 + SampleRateDivider): Mpu6050.cs:127-160.
namespace Iot.Device.Imu
{
    using System;
    using System.Device.I2c;
    using System.Numerics;

    public class Mpu6050 : IDisposable // Mpu6050.cs:20
    {
        public const byte DefaultI2cAddress = 0x68; // Mpu6050.cs:25

        public const byte SecondI2cAddress = 0x69; // Mpu6050.cs:30

        public Mpu6050(I2cDevice i2cDevice) { } // Mpu6050.cs:47

        public AccelerometerRange AccelerometerRange { get => throw null; set => throw null; } // Mpu6050.cs:88

        public AccelerometerBandwidth AccelerometerBandwidth { get => throw null; set => throw null; } // Mpu6050.cs:108

        public float AccelerationScale => throw null; // Mpu6050.cs:127

        public Vector3 GetAccelerometer() => throw null; // Mpu6050.cs:160

        public byte SampleRateDivider { get => throw null; set => throw null; } // Mpu6050.cs:439

        public DisableModes DisableModes { get => throw null; set => throw null; } // Mpu6050.cs:449

        public void Dispose() => throw null; // Mpu6050.cs:790
    }

    public enum AccelerometerRange // AccelerometerRange.cs
    {
        Range02G = 0,
        Range04G = 1,
        Range08G = 2,
        Range16G = 3,
    }

    public enum AccelerometerBandwidth // AccelerometerBandwidth.cs
    {
        Bandwidth1130Hz = 0,
        Bandwidth0460Hz = 0x08,
        Bandwidth0184Hz = 0x09,
        Bandwidth0092Hz = 0x0A,
        Bandwidth0041Hz = 0x0B,
        Bandwidth0020Hz = 0x0C,
        Bandwidth0010Hz = 0x0E,
        Bandwidth0005Hz = 0x0F,
    }

    [Flags]
    public enum DisableModes // DisableModes.cs
    {
        DisableNone = 0,
        DisableAccelerometerX = 0b0010_0000,
        DisableAccelerometerY = 0b0001_0000,
        DisableAccelerometerZ = 0b0000_1000,
        DisableGyroscopeX = 0b0000_0100,
        DisableGyroscopeY = 0b0000_0010,
        DisableGyroscopeZ = 0b0000_0001,
    }
}
