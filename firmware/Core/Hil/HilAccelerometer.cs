using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Core.Hil
{
    /// <summary>
    /// The accelerometer the app reads: the real sensor, or in HIL test mode the samples that came over the serial link
    /// (a bounded queue; a full queue refuses a sample and counts it, an empty one reads as a failed read and counts it,
    /// so the runner can see it paced too fast or too slow). Serial thread writes, app thread reads: one lock.
    /// As a FIFO (batch mode) it gives the queued samples in test mode and the sensor's FIFO outside it.
    /// </summary>
    public sealed class HilAccelerometer : IAccelerometer, IAccelerometerFifo
    {
        /// <summary>2.5 s at 50 Hz: room for the runner's lead and a late tick, small enough for the ESP32's heap (768 bytes).</summary>
        public const int Capacity = 128;

        private readonly IAccelerometer _sensor;
        private readonly short[] _x = new short[Capacity];
        private readonly short[] _y = new short[Capacity];
        private readonly short[] _z = new short[Capacity];
        private readonly object _lock = new object();
        private int _head;
        private int _count;
        private bool _testMode;

        /// <summary><paramref name="sensor"/> is read outside test mode; null when the device has none (reads fail).</summary>
        public HilAccelerometer(IAccelerometer sensor)
        {
            _sensor = sensor;
        }

        public int SamplesAccepted { get; private set; }

        public int SamplesRefusedFull { get; private set; }

        public int ReadsEmpty { get; private set; }

        public int Queued
        {
            get
            {
                lock (_lock)
                {
                    return _count;
                }
            }
        }

        /// <summary>Test mode on: serial samples only. Switching drops what is queued.</summary>
        public bool TestMode
        {
            get
            {
                lock (_lock)
                {
                    return _testMode;
                }
            }

            set
            {
                lock (_lock)
                {
                    _testMode = value;
                    _head = 0;
                    _count = 0;
                }
            }
        }

        /// <summary>Queues one sample in milli-g; false (counted) when the queue is full.</summary>
        public bool Offer(int xMilliG, int yMilliG, int zMilliG)
        {
            lock (_lock)
            {
                if (_count == Capacity)
                {
                    SamplesRefusedFull++;
                    return false;
                }

                int tail = (_head + _count) % Capacity;
                _x[tail] = (short)xMilliG;
                _y[tail] = (short)yMilliG;
                _z[tail] = (short)zMilliG;
                _count++;
                SamplesAccepted++;
                return true;
            }
        }

        /// <summary>Test mode: the samples queued from the link; else the sensor's own FIFO (-1 when it has none).</summary>
        public int Fill()
        {
            lock (_lock)
            {
                if (_testMode)
                {
                    return _count;
                }
            }

            IAccelerometerFifo fifo = _sensor as IAccelerometerFifo;
            return fifo != null ? fifo.Fill() : -1;
        }

        public bool TryRead(out float xG, out float yG, out float zG)
        {
            lock (_lock)
            {
                if (!_testMode)
                {
                    if (_sensor == null)
                    {
                        xG = 0f;
                        yG = 0f;
                        zG = 0f;
                        return false;
                    }

                    return _sensor.TryRead(out xG, out yG, out zG);
                }

                if (_count == 0)
                {
                    ReadsEmpty++;
                    xG = 0f;
                    yG = 0f;
                    zG = 0f;
                    return false;
                }

                xG = _x[_head] / 1000f;
                yG = _y[_head] / 1000f;
                zG = _z[_head] / 1000f;
                _head = (_head + 1) % Capacity;
                _count--;
                return true;
            }
        }
    }
}
