namespace Eldercare.Firmware.Core.Gnss
{
    /// <summary>
    /// Streaming NMEA 0183 parser for a GNSS module on a UART: fed byte by byte as they arrive, it frames sentences
    /// (<c>$</c> ... <c>*hh</c> CR LF), verifies the checksum and decodes GGA and RMC from any talker (GP, GN, GL,
    /// GA, GB, BD, ...) into <see cref="Fix"/>. Everything else that is well formed is counted as ignored; every
    /// sentence it drops is counted by reason in <see cref="Statistics"/>. Never throws on input, never allocates
    /// after construction: one fixed line buffer, one field index, one reused fix.
    /// </summary>
    public sealed class NmeaParser
    {
        /// <summary>
        /// Longest sentence taken, counted after the <c>$</c> up to the last checksum digit. NMEA 0183 allows 82
        /// characters with <c>$</c> and CR LF (79 here); the recorded SkyTraq sends 82 before CR LF (7-decimal minutes),
        /// high-precision modes more, so 96 leaves room without letting a line without line ends grow.
        /// </summary>
        public const int MaxSentenceLength = 96;

        private readonly byte[] _line = new byte[MaxSentenceLength];
        private readonly NmeaSentenceDecoder _decoder = new NmeaSentenceDecoder();
        private readonly GnssFix _fix = new GnssFix();
        private readonly NmeaStatistics _statistics = new NmeaStatistics();
        private readonly GnssTimeGuard _timeGuard = new GnssTimeGuard();
        private int _length;
        private bool _inSentence;
        private bool _discarding;

        /// <summary>The last fix decoded; valid until the next call of <see cref="Feed"/> that returns true.</summary>
        public GnssFix Fix
        {
            get { return _fix; }
        }

        public NmeaStatistics Statistics
        {
            get { return _statistics; }
        }

        /// <summary>Feeds one byte from the UART; true when it completed a GGA or RMC now in <see cref="Fix"/>.</summary>
        public bool Feed(byte value, long uptimeMilliseconds)
        {
            if (value == '$')
            {
                if (_inSentence && !_discarding)
                {
                    _statistics.CountRejected(NmeaRejectReason.Truncated);
                }

                _inSentence = true;
                _discarding = false;
                _length = 0;
                return false;
            }

            if (value == '\r' || value == '\n')
            {
                if (!_inSentence)
                {
                    return false;
                }

                _inSentence = false;
                return !_discarding && Complete(uptimeMilliseconds);
            }

            if (!_inSentence)
            {
                _statistics.CountNoise();
                return false;
            }

            if (_discarding)
            {
                return false;
            }

            if (value < 0x20 || value > 0x7E)
            {
                Discard(NmeaRejectReason.BadCharacter);
            }
            else if (_length == _line.Length)
            {
                Discard(NmeaRejectReason.Overlong);
            }
            else
            {
                _line[_length++] = value;
            }

            return false;
        }

        private void Discard(int reason)
        {
            _statistics.CountRejected(reason);
            _discarding = true;
        }

        private bool Complete(long uptimeMilliseconds)
        {
            int star = -1;
            for (int i = 0; i < _length; i++)
            {
                if (_line[i] == '*')
                {
                    star = i;
                    break;
                }
            }

            if (star < 0)
            {
                _statistics.CountRejected(NmeaRejectReason.NoChecksum);
                return false;
            }

            int expected;
            if (star != _length - 3 || !Hex(_line[star + 1], _line[star + 2], out expected))
            {
                _statistics.CountRejected(NmeaRejectReason.Truncated);
                return false;
            }

            int sum = 0;
            for (int i = 0; i < star; i++)
            {
                sum ^= _line[i];
            }

            if (sum != expected)
            {
                _statistics.CountRejected(NmeaRejectReason.BadChecksum);
                return false;
            }

            int sentence = _decoder.Split(_line, star);
            if (sentence == 0)
            {
                _statistics.CountIgnored();
                return false;
            }

            _fix.Clear();
            _fix.UptimeMilliseconds = uptimeMilliseconds;
            int reason = _decoder.Decode(_fix);
            if (reason < 0 && _fix.UtcTimeOfDayMilliseconds != GnssFix.Unknown
                && !_timeGuard.Accept(_fix.UtcTimeOfDayMilliseconds, _fix.UtcDays, uptimeMilliseconds))
            {
                reason = NmeaRejectReason.TimeJump;
            }

            if (reason >= 0)
            {
                _statistics.CountRejected(reason);
                _fix.Clear();
                return false;
            }

            if (sentence == GnssFix.FromGga)
            {
                _statistics.CountGga();
            }
            else
            {
                _statistics.CountRmc();
            }

            return true;
        }

        private static bool Hex(byte high, byte low, out int value)
        {
            int h = HexValue(high);
            int l = HexValue(low);
            value = (h << 4) | l;
            return h >= 0 && l >= 0;
        }

        private static int HexValue(byte c)
        {
            if (c >= '0' && c <= '9')
            {
                return c - '0';
            }

            if (c >= 'A' && c <= 'F')
            {
                return c - 'A' + 10;
            }

            // Lower case is not in the standard, but some receivers send it and it is unambiguous.
            if (c >= 'a' && c <= 'f')
            {
                return c - 'a' + 10;
            }

            return -1;
        }
    }
}
