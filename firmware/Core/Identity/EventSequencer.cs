using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Core.Identity
{
    /// <summary>
    /// Makes event identities deviceId:bootEpoch:seq (DESIGN.md, "Events and identity").
    /// The boot epoch is read from storage, bumped and written back at every start, so a
    /// restarted device never reuses an id: the gateway would otherwise drop its new
    /// events as duplicates of old ones.
    /// </summary>
    public sealed class EventSequencer
    {
        public const string BootEpochBlobName = "boot.epoch";

        /// <summary>2020-01-01T00:00:00Z in Unix seconds.</summary>
        private const long Year2020UnixSeconds = 1577836800;

        private readonly IStorage _storage;
        private readonly IClock _clock;
        private readonly object _lock = new object();
        private int _lastSequence;

        public EventSequencer(IStorage storage, IClock clock)
        {
            _storage = storage;
            _clock = clock;
            BootEpoch = 0;
            _lastSequence = 0;
        }

        /// <summary>This run's boot epoch (1 on the first start ever), 0 before <see cref="Start"/>.</summary>
        public int BootEpoch { get; private set; }

        /// <summary>
        /// Bumps and persists the boot epoch. Returns false if it could not be persisted:
        /// the device still runs (an alarm matters more), but the app shows a fault.
        /// </summary>
        public bool Start()
        {
            int previous = 0;
            byte[] data;
            if (_storage.TryRead(BootEpochBlobName, out data))
            {
                previous = ParseEpoch(data);
                if (previous < 0)
                {
                    // Corrupt (the atomic write makes this rare). Restarting at 1 would reuse
                    // old ids, so jump to the seconds since 2020: larger than any epoch a
                    // device reaches by counting boots, unless the clock is unset.
                    long seconds = (_clock.UtcNowUnixMilliseconds / 1000) - Year2020UnixSeconds;
                    previous = seconds > 0 && seconds < int.MaxValue / 2 ? (int)seconds : 1000000;
                }
            }

            int next = previous >= int.MaxValue - 1 ? 1 : previous + 1;
            BootEpoch = next;
            _lastSequence = 0;
            return _storage.TryWrite(BootEpochBlobName, Events.Utf8.GetBytes(next.ToString()));
        }

        /// <summary>The next sequence number of this boot epoch, starting at 1.</summary>
        public int NextSequence()
        {
            lock (_lock)
            {
                _lastSequence++;
                return _lastSequence;
            }
        }

        private static int ParseEpoch(byte[] data)
        {
            if (data.Length == 0)
            {
                return -1;
            }

            int value = 0;
            for (int i = 0; i < data.Length; i++)
            {
                int digit = data[i] - '0';
                if (digit < 0 || digit > 9 || value > 200000000)
                {
                    return -1;
                }

                value = (value * 10) + digit;
            }

            return value;
        }
    }
}
