#nullable disable // nanoFramework has no nullable annotations; this file is also compiled into the host tests (tests/Firmware.Tests).
namespace Eldercare.Firmware.Devices
{
    /// <summary>
    /// The MPU6050 binding (Iot.Device.Imu.Mpu6050 in nanoFramework.Iot.Device.Mpu9250) returns acceleration in
    /// m/s² (its doc comment says g) and divides it by (1 + SampleRateDivider) (Mpu6050.cs, AccelerationScale). The core's
    /// fall detector takes g (IAccelerometer), so the adapter undoes both here. Pure, tested on the host.
    /// </summary>
    public static class AccelerationUnits
    {
        /// <summary>Standard gravity, m/s² (the binding's own Gravity constant is 9.807).</summary>
        public const double StandardGravity = 9.80665;

        public static float ToG(double bindingValue, int sampleRateDivider)
        {
            return (float)(bindingValue * (1 + sampleRateDivider) / StandardGravity);
        }
    }
}
