namespace Eldercare.Firmware.Core.Power
{
    /// <summary>
    /// When the accelerometer is read (pure; time in ms). The MPU-6050 samples into its FIFO at 50 Hz while the ESP32
    /// sleeps; the app reads a batch every <see cref="BatchMilliseconds"/> and runs the detector on each batch. A batch
    /// alone would delay a detection by up to its period (the detector decides ~1.8 s after the impact, the bound is 2 s),
    /// so a sample at or above the impact threshold, seen when its batch is read, switches to reading every tick for
    /// <see cref="FollowMilliseconds"/> after it: the decision that follows an impact (1.8 s later) is read as it is made.
    /// FallEval (<c>--batch-ms</c>) runs the datasets through this same policy. (The MPU-6050's INT pin, wired to GPIO 33,
    /// could wake the chip at the impact itself; not needed for the bound, not used.)
    /// </summary>
    public sealed class AccelerometerBatching
    {
        /// <summary>The battery wearables' batch period (Program.cs of the pendant and watch; hardware/power-budget.json).</summary>
        public const int DeviceBatchMilliseconds = 1000;

        private readonly int _batchMilliseconds;
        private readonly int _followMilliseconds;
        private readonly float _wakeSquared;
        private long _nextBatchAt;
        private long _followUntil = long.MinValue;

        /// <param name="batchMilliseconds">0: read on every tick (no batching)</param>
        /// <param name="followMilliseconds">read every tick this long after an impact-level sample</param>
        /// <param name="wakeG">|a| at or above this (g) is an impact: the profile's impact threshold</param>
        public AccelerometerBatching(int batchMilliseconds, int followMilliseconds, float wakeG)
        {
            _batchMilliseconds = batchMilliseconds;
            _followMilliseconds = followMilliseconds;
            _wakeSquared = wakeG * wakeG;
        }

        public int BatchMilliseconds
        {
            get { return _batchMilliseconds; }
        }

        public int FollowMilliseconds
        {
            get { return _followMilliseconds; }
        }

        /// <summary>Batches read (reads while following an impact included), since start.</summary>
        public int Reads { get; private set; }

        /// <summary>Impact-level samples that switched to reading every tick, since start.</summary>
        public int Wakes { get; private set; }

        public void Start(long now)
        {
            _nextBatchAt = now + _batchMilliseconds;
        }

        /// <summary>True when the samples due should be read now (then call <see cref="Read"/>).</summary>
        public bool IsReadDue(long now)
        {
            return _batchMilliseconds <= 0 || now >= _nextBatchAt || now < _followUntil;
        }

        /// <summary>A read at <paramref name="now"/>: the next batch is due one period later.</summary>
        public void Read(long now)
        {
            Reads++;
            _nextBatchAt = now + _batchMilliseconds;
        }

        /// <summary>Until the next read is due (0 when due now, or while reading every tick).</summary>
        public long MillisecondsUntilNextRead(long now)
        {
            if (_batchMilliseconds <= 0 || now < _followUntil || now >= _nextBatchAt)
            {
                return 0;
            }

            return _nextBatchAt - now;
        }

        /// <summary>One sample of the batch just read, taken at <paramref name="sampleTime"/>.</summary>
        public void Observe(float xG, float yG, float zG, long sampleTime)
        {
            if ((xG * xG) + (yG * yG) + (zG * zG) >= _wakeSquared)
            {
                long until = sampleTime + _followMilliseconds;
                if (until > _followUntil)
                {
                    if (_followUntil < sampleTime)
                    {
                        Wakes++;
                    }

                    _followUntil = until;
                }
            }
        }
    }
}
