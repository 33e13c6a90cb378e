using System;
using System.Device.I2c;
using System.Numerics;
using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Hardware;
using Iot.Device.Imu;

namespace Eldercare.Firmware.Devices.Adapters
{
    /// <summary>
    /// The MPU6050 (GY-521) as the core's accelerometer, in g. Set up for the fall detector: ±8 g (a fall's impact reaches
    /// 6 g), DLPF 41 Hz (anti-aliasing for 50 Hz sampling), gyroscope off (3.8 mA with it, 500 µA accelerometer only:
    /// PS-MPU-6000A rev 3.4, table 6.4). Two ways to read it:
    /// <list type="bullet">
    /// <item>register reads through the binding (one sample per call): it returns m/s² divided by (1 + SampleRateDivider),
    /// which AccelerationUnits undoes;</item>
    /// <item>FIFO (battery wearables, batch mode): the sensor samples at 50 Hz (CONFIG 0x1A DLPF_CFG 3: 1 kHz output rate;
    /// SMPLRT_DIV 0x19 = 19) into its 1024-byte FIFO, accelerometer only (6 bytes a sample, big-endian, 4096 counts per g
    /// at ±8 g: register map rev 4.2, FIFO_EN 0x23, USER_CTRL 0x6A, FIFO_COUNT 0x72, FIFO_R_W 0x74); <see cref="Fill"/>
    /// reads the count and the samples in one burst, <see cref="TryRead"/> hands them out. A full FIFO (the loop slept
    /// too long) is reset and counted: those samples are lost, the next batch is fresh.</item>
    /// </list>
    /// A failed I2C transfer (NACK, bus stuck) is a false read or -1, counted by the app, never an exception.
    /// </summary>
    public sealed class Mpu6050Accelerometer : IAccelerometer, IAccelerometerFifo
    {
        private const byte SampleRateDividerRegister = 0x19;
        private const byte ConfigRegister = 0x1A;
        private const byte Dlpf44Hz = 0x03;
        private const byte FifoEnableRegister = 0x23;
        private const byte UserControlRegister = 0x6A;
        private const byte FifoCountRegister = 0x72;
        private const byte FifoDataRegister = 0x74;
        private const byte AccelerometerToFifo = 0x08;
        private const byte FifoOn = 0x40;
        private const byte FifoReset = 0x04;
        private const int FifoBytes = 1024;
        private const int SampleBytes = 6;
        private const float CountsPerG = 4096f;

        /// <summary>1 kHz / (1 + 19) = 50 Hz, the detector's rate.</summary>
        public const byte FiftyHertzDivider = 19;

        private readonly Mpu6050 _sensor;
        private readonly I2cDevice _device;
        private readonly int _sampleRateDivider;
        private readonly byte[] _fifo = new byte[WearableOptions.AccelerometerFifoSamples * SampleBytes];
        private readonly byte[] _register = new byte[1];
        private readonly byte[] _count = new byte[2];
        private readonly byte[] _write = new byte[2];
        private int _ready;
        private int _next;

        /// <param name="device">the sensor's I2C device for the FIFO registers; null: register reads only</param>
        public Mpu6050Accelerometer(Mpu6050 sensor, I2cDevice device)
        {
            _sensor = sensor;
            _device = device;
            _sensor.AccelerometerRange = AccelerometerRange.Range08G;
            _sensor.AccelerometerBandwidth = AccelerometerBandwidth.Bandwidth0041Hz;
            _sensor.DisableModes = DisableModes.DisableGyroscopeX | DisableModes.DisableGyroscopeY | DisableModes.DisableGyroscopeZ;
            if (_device != null)
            {
                // Written here rather than through the binding: the 50 Hz rate rests on DLPF_CFG 3 (1 kHz output rate,
                // accelerometer bandwidth 44 Hz) in the 6050's CONFIG register, whatever the binding set for a 6500.
                FifoReady = WriteRegister(ConfigRegister, Dlpf44Hz) && WriteRegister(SampleRateDividerRegister, FiftyHertzDivider)
                    && WriteRegister(FifoEnableRegister, AccelerometerToFifo) && WriteRegister(UserControlRegister, FifoReset) && WriteRegister(UserControlRegister, FifoOn);
            }

            _sampleRateDivider = _sensor.SampleRateDivider;
        }

        /// <summary>The FIFO was set up (else the device reads a sample per tick).</summary>
        public bool FifoReady { get; private set; }

        /// <summary>Times the FIFO was found full and reset (samples lost), since start.</summary>
        public int FifoOverflows { get; private set; }

        public int Fill()
        {
            try
            {
                return ReadFifo();
            }
            catch (Exception)
            {
                _ready = 0;
                return -1;
            }
        }

        private int ReadFifo()
        {
            _ready = 0;
            _next = 0;
            _register[0] = FifoCountRegister;
            if (!FifoReady || _device.WriteRead(_register, _count).Status != I2cTransferStatus.FullTransfer)
            {
                return -1;
            }

            int bytes = (_count[0] << 8) | _count[1];
            if (bytes >= FifoBytes)
            {
                FifoOverflows++;
                WriteRegister(UserControlRegister, (byte)(FifoOn | FifoReset));
                return 0;
            }

            int samples = bytes / SampleBytes;
            if (samples > WearableOptions.AccelerometerFifoSamples)
            {
                samples = WearableOptions.AccelerometerFifoSamples;
            }

            if (samples == 0)
            {
                return 0;
            }

            _register[0] = FifoDataRegister;
            if (_device.WriteRead(_register, new SpanByte(_fifo, 0, samples * SampleBytes)).Status != I2cTransferStatus.FullTransfer)
            {
                return -1;
            }

            _ready = samples;
            return samples;
        }

        public bool TryRead(out float xG, out float yG, out float zG)
        {
            if (FifoReady)
            {
                return TakeFromFifo(out xG, out yG, out zG);
            }

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

        private bool TakeFromFifo(out float xG, out float yG, out float zG)
        {
            if (_next >= _ready)
            {
                xG = 0f;
                yG = 0f;
                zG = 0f;
                return false;
            }

            int at = _next * SampleBytes;
            _next++;
            xG = (short)((_fifo[at] << 8) | _fifo[at + 1]) / CountsPerG;
            yG = (short)((_fifo[at + 2] << 8) | _fifo[at + 3]) / CountsPerG;
            zG = (short)((_fifo[at + 4] << 8) | _fifo[at + 5]) / CountsPerG;
            return true;
        }

        private bool WriteRegister(byte register, byte value)
        {
            _write[0] = register;
            _write[1] = value;
            try
            {
                return _device.Write(_write).Status == I2cTransferStatus.FullTransfer;
            }
            catch (Exception)
            {
                return false;
            }
        }
    }
}
