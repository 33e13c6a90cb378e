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

        /// <summary>GGA has 15 fields, RMC 13 (NMEA 4.10); more is tolerated up to this, as the standard lets fields be added at the end.</summary>
        private const int MaxFields = 24;

        private readonly byte[] _line = new byte[MaxSentenceLength];
        private readonly int[] _fieldStart = new int[MaxFields + 2];
        private readonly GnssFix _fix = new GnssFix();
        private readonly NmeaStatistics _statistics = new NmeaStatistics();
        private readonly GnssTimeGuard _timeGuard = new GnssTimeGuard();
        private int _length;
        private int _fieldCount;
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

            SplitFields(star);
            int sentence = SentenceOf();
            if (sentence == 0)
            {
                _statistics.CountIgnored();
                return false;
            }

            _fix.Clear();
            _fix.Sentence = sentence;
            _fix.Talker = (_line[0] << 8) | _line[1];
            _fix.UptimeMilliseconds = uptimeMilliseconds;
            int reason = sentence == GnssFix.FromGga ? DecodeGga() : DecodeRmc();
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

        private void SplitFields(int end)
        {
            _fieldCount = 0;
            _fieldStart[0] = 0;
            for (int i = 0; i < end && _fieldCount < MaxFields; i++)
            {
                if (_line[i] == ',')
                {
                    _fieldStart[++_fieldCount] = i + 1;
                }
            }

            // The start of the (virtual) field after the last one, so field k spans [start(k), start(k+1) - 1).
            _fieldCount++;
            _fieldStart[_fieldCount] = end + 1;
        }

        /// <summary>GGA or RMC with a talker of two capital letters; 0 for anything else (proprietary <c>$P...</c>, GSV...).</summary>
        private int SentenceOf()
        {
            if (_fieldStart[1] != 6 || !Capital(_line[0]) || !Capital(_line[1]) || _line[0] == 'P')
            {
                return 0;
            }

            if (_line[2] == 'G' && _line[3] == 'G' && _line[4] == 'A')
            {
                return GnssFix.FromGga;
            }

            if (_line[2] == 'R' && _line[3] == 'M' && _line[4] == 'C')
            {
                return GnssFix.FromRmc;
            }

            return 0;
        }

        /// <summary>$--GGA,time,lat,N,lon,E,quality,satellites,hdop,altitude,M,...; -1 when decoded, else a reject reason.</summary>
        private int DecodeGga()
        {
            if (_fieldCount < 9)
            {
                return NmeaRejectReason.BadField;
            }

            int reason = DecodeTimeAndPosition(1, 2);
            if (reason >= 0)
            {
                return reason;
            }

            int quality;
            if (FieldLength(6) != 1 || NmeaFields.ReadScaled(_line, Start(6), End(6), 0, out quality) != NmeaFields.FieldOk)
            {
                return NmeaRejectReason.BadField;
            }

            int satellites;
            int read = NmeaFields.ReadScaled(_line, Start(7), End(7), 0, out satellites);
            if (read == NmeaFields.FieldBad || satellites > 99)
            {
                return NmeaRejectReason.BadField;
            }

            int hdop;
            int readHdop = NmeaFields.ReadScaled(_line, Start(8), End(8), 2, out hdop);
            if (readHdop == NmeaFields.FieldBad)
            {
                return NmeaRejectReason.BadField;
            }

            _fix.Quality = quality;
            _fix.Satellites = read == NmeaFields.FieldOk ? satellites : GnssFix.Unknown;
            _fix.HdopHundredths = readHdop == NmeaFields.FieldOk ? hdop : GnssFix.Unknown;

            // 1 GPS, 2 DGPS/SBAS, 3 PPS, 4 RTK fixed, 5 RTK float are measured fixes; 6 is dead reckoning (the
            // recorded Garmin reports it indoors with 0 satellites), 7 manual input, 8 simulation.
            _fix.IsValid = quality >= 1 && quality <= 5 && _fix.HasPosition;
            return ValidFixAtOrigin();
        }

        /// <summary>$--RMC,time,status,lat,N,lon,E,speed,course,date,magvar,E,mode[,navstatus]; -1 when decoded, else a reject reason.</summary>
        private int DecodeRmc()
        {
            if (_fieldCount < 10)
            {
                return NmeaRejectReason.BadField;
            }

            int reason = DecodeTimeAndPosition(1, 3);
            if (reason >= 0)
            {
                return reason;
            }

            if (FieldLength(2) != 1 || (_line[Start(2)] != 'A' && _line[Start(2)] != 'V'))
            {
                return NmeaRejectReason.BadField;
            }

            int days;
            int readDate = NmeaFields.ReadDate(_line, Start(9), End(9), out days);
            if (readDate == NmeaFields.FieldBad)
            {
                return NmeaRejectReason.BadField;
            }

            _fix.UtcDays = readDate == NmeaFields.FieldOk ? days : GnssFix.Unknown;

            // NMEA 2.3 added the mode (field 12): A autonomous, D differential, E estimated, N not valid, M manual,
            // S simulator. Status A with mode E is dead reckoning, not a measurement.
            bool measuredMode = true;
            if (_fieldCount > 12 && FieldLength(12) == 1)
            {
                byte mode = _line[Start(12)];
                measuredMode = mode != 'E' && mode != 'N' && mode != 'M' && mode != 'S';
            }

            _fix.IsValid = _line[Start(2)] == 'A' && measuredMode && _fix.HasPosition;
            return ValidFixAtOrigin();
        }

        /// <summary>A cold-starting receiver fills 0000.0000,N,00000.0000,E ("null island"); as a valid fix it is garbage.</summary>
        private int ValidFixAtOrigin()
        {
            return _fix.IsValid && _fix.LatitudeE7 == 0 && _fix.LongitudeE7 == 0 ? NmeaRejectReason.BadCoordinate : -1;
        }

        private int DecodeTimeAndPosition(int timeField, int latitudeField)
        {
            int time;
            int readTime = NmeaFields.ReadTimeOfDay(_line, Start(timeField), End(timeField), out time);
            if (readTime == NmeaFields.FieldBad)
            {
                return NmeaRejectReason.BadField;
            }

            _fix.UtcTimeOfDayMilliseconds = readTime == NmeaFields.FieldOk ? time : GnssFix.Unknown;
            int latitude, longitude;
            int readLatitude = NmeaFields.ReadCoordinate(_line, Start(latitudeField), End(latitudeField), Start(latitudeField + 1), End(latitudeField + 1), 2, out latitude);
            int readLongitude = NmeaFields.ReadCoordinate(_line, Start(latitudeField + 2), End(latitudeField + 2), Start(latitudeField + 3), End(latitudeField + 3), 3, out longitude);
            if (readLatitude == NmeaFields.FieldBad || readLongitude == NmeaFields.FieldBad || readLatitude != readLongitude && (readLatitude == NmeaFields.FieldEmpty || readLongitude == NmeaFields.FieldEmpty))
            {
                return NmeaRejectReason.BadField;
            }

            if (readLatitude == NmeaFields.FieldOutOfRange || readLongitude == NmeaFields.FieldOutOfRange)
            {
                return NmeaRejectReason.BadCoordinate;
            }

            _fix.HasPosition = readLatitude == NmeaFields.FieldOk;
            _fix.LatitudeE7 = latitude;
            _fix.LongitudeE7 = longitude;
            return -1;
        }

        private int Start(int field)
        {
            return field < _fieldCount ? _fieldStart[field] : 0;
        }

        private int End(int field)
        {
            return field < _fieldCount ? _fieldStart[field + 1] - 1 : 0;
        }

        private int FieldLength(int field)
        {
            return End(field) - Start(field);
        }

        private static bool Capital(byte c)
        {
            return c >= 'A' && c <= 'Z';
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
