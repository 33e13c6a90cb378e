using System;
using System.Numerics;
using Eldercare.Firmware.Core.Hardware;
using Iot.Device.Imu;

namespace Eldercare.Firmware.Devices.Adapters
{
    /// <summary>
    /// The MPU6050 (GY-521) as the core's accelerometer, in g. Set up for the fall detector: ±8 g (a fall's impact reaches
    /// 6 g), DLPF 41 Hz (anti-aliasing for 50 Hz sampling), gyroscope off (3.8 mA with it, 500 µA accelerometer only:
    /// PS-MPU-6000A rev 3.4, table 6.4). The binding returns m/s² divided by (1 + SampleRateDivider); AccelerationUnits
    /// undoes both. A failed I2C transfer (NACK, bus stuck) is a false read, counted by the app, never an exception.
    /// </summary>
    public sealed class Mpu6050Accelerometer : IAccelerometer
    {
        private readonly Mpu6050 _sensor;
        private readonly int _sampleRateDivider;

        public Mpu6050Accelerometer(Mpu6050 sensor)
        {
            _sensor = sensor;
            _sensor.AccelerometerRange = AccelerometerRange.Range08G;
            _sensor.AccelerometerBandwidth = AccelerometerBandwidth.Bandwidth0041Hz;
            _sensor.DisableModes = DisableModes.DisableGyroscopeX | DisableModes.DisableGyroscopeY | DisableModes.DisableGyroscopeZ;
            _sampleRateDivider = _sensor.SampleRateDivider;
        }

        public bool TryRead(out float xG, out float yG, out float zG)
        {
            try
            {
                Vector3 reading = _sensor.GetAccelerometer();
                xG = AccelerationUnits.ToG(reading.X, _sampleRateDivider);
                yG = AccelerationUnits.ToG(reading.Y, _sampleRateDivider);
                zG = AccelerationUnits.ToG(reading.Z, _sampleRateDivider);
                return true;
            }
            catch (Exception)
            {
                xG = 0f;
                yG = 0f;
                zG = 0f;
                return false;
            }
        }
    }
}
