using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Core.Hil
{
    /// <summary>
    /// The GNSS receiver the app reads: the module's UART, or in HIL test mode the sentences that came over the serial
    /// link (a byte ring of <see cref="Capacity"/>; a sentence that does not fit is refused whole and counted).
    /// </summary>
    public sealed class HilGnssReceiver : IGnssReceiver
    {
        /// <summary>Six full sentences: more than a 1 Hz GGA + RMC second.</summary>
        public const int Capacity = 512;

        private readonly IGnssReceiver _module;
        private readonly byte[] _ring = new byte[Capacity];
        private readonly object _lock = new object();
        private int _head;
        private int _count;
        private bool _testMode;

        /// <summary><paramref name="module"/> is read outside test mode; null when the device has none.</summary>
        public HilGnssReceiver(IGnssReceiver module)
        {
            _module = module;
        }

        public int SentencesAccepted { get; private set; }

        public int SentencesRefusedFull { get; private set; }

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

        /// <summary>Queues a sentence's bytes (with its CR LF); false (counted) when it does not fit.</summary>
        public bool Offer(byte[] sentence, int length)
        {
            lock (_lock)
            {
                if (Capacity - _count < length)
                {
                    SentencesRefusedFull++;
                    return false;
                }

                for (int i = 0; i < length; i++)
                {
                    _ring[(_head + _count) % Capacity] = sentence[i];
                    _count++;
                }

                SentencesAccepted++;
                return true;
            }
        }

        public int Read(byte[] buffer, int offset, int count)
        {
            lock (_lock)
            {
                if (!_testMode)
                {
                    return _module == null ? 0 : _module.Read(buffer, offset, count);
                }

                int written = 0;
                while (written < count && _count > 0)
                {
                    buffer[offset + written] = _ring[_head];
                    _head = (_head + 1) % Capacity;
                    _count--;
                    written++;
                }

                return written;
            }
        }
    }
}
