namespace Eldercare.Firmware.Core.Gnss
{
    /// <summary>
    /// Decodes the fields of one checksummed GGA or RMC sentence into a <see cref="GnssFix"/>, straight from the
    /// parser's line buffer (no strings, no allocation). The framing, checksum and time checks stay in
    /// <see cref="NmeaParser"/>; this class knows what the GGA and RMC fields mean.
    /// </summary>
    public sealed class NmeaSentenceDecoder
    {
        /// <summary>GGA has 14 fields after its address, RMC 12 (13 with the navigation status of NMEA 4.10); more is tolerated up to this, as talkers add fields at the end.</summary>
        private const int MaxFields = 24;

        private readonly int[] _fieldStart = new int[MaxFields + 2];
        private byte[] _data;
        private int _fieldCount;
        private int _sentence;
        private GnssFix _fix;

        /// <summary>
        /// Indexes the fields of <paramref name="line"/> (the bytes after <c>$</c>, up to <paramref name="end"/>, the
        /// <c>*</c>); returns <see cref="GnssFix.FromGga"/>, <see cref="GnssFix.FromRmc"/> or 0 for any other sentence.
        /// </summary>
        public int Split(byte[] line, int end)
        {
            _data = line;
            SplitFields(end);
            _sentence = SentenceOf();
            return _sentence;
        }

        /// <summary>Fills <paramref name="fix"/> from the sentence last split; -1 when decoded, else a <see cref="NmeaRejectReason"/>.</summary>
        public int Decode(GnssFix fix)
        {
            _fix = fix;
            fix.Sentence = _sentence;
            fix.Talker = (_data[0] << 8) | _data[1];
            return _sentence == GnssFix.FromGga ? DecodeGga() : DecodeRmc();
        }

        private void SplitFields(int end)
        {
            _fieldCount = 0;
            _fieldStart[0] = 0;
            for (int i = 0; i < end && _fieldCount < MaxFields; i++)
            {
                if (_data[i] == ',')
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
            if (_fieldStart[1] != 6 || !Capital(_data[0]) || !Capital(_data[1]) || _data[0] == 'P')
            {
                return 0;
            }

            if (_data[2] == 'G' && _data[3] == 'G' && _data[4] == 'A')
            {
                return GnssFix.FromGga;
            }

            if (_data[2] == 'R' && _data[3] == 'M' && _data[4] == 'C')
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
            if (FieldLength(6) != 1 || NmeaFields.ReadScaled(_data, Start(6), End(6), 0, out quality) != NmeaFields.FieldOk)
            {
                return NmeaRejectReason.BadField;
            }

            int satellites;
            int read = NmeaFields.ReadScaled(_data, Start(7), End(7), 0, out satellites);
            if (read == NmeaFields.FieldBad || satellites > 99)
            {
                return NmeaRejectReason.BadField;
            }

            int hdop;
            int readHdop = NmeaFields.ReadScaled(_data, Start(8), End(8), 2, out hdop);
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

            if (FieldLength(2) != 1 || (_data[Start(2)] != 'A' && _data[Start(2)] != 'V'))
            {
                return NmeaRejectReason.BadField;
            }

            int days;
            int readDate = NmeaFields.ReadDate(_data, Start(9), End(9), out days);
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
                byte mode = _data[Start(12)];
                measuredMode = mode != 'E' && mode != 'N' && mode != 'M' && mode != 'S';
            }

            _fix.IsValid = _data[Start(2)] == 'A' && measuredMode && _fix.HasPosition;
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
            int readTime = NmeaFields.ReadTimeOfDay(_data, Start(timeField), End(timeField), out time);
            if (readTime == NmeaFields.FieldBad)
            {
                return NmeaRejectReason.BadField;
            }

            _fix.UtcTimeOfDayMilliseconds = readTime == NmeaFields.FieldOk ? time : GnssFix.Unknown;
            int latitude, longitude;
            int readLatitude = NmeaFields.ReadCoordinate(_data, Start(latitudeField), End(latitudeField), Start(latitudeField + 1), End(latitudeField + 1), 2, out latitude);
            int readLongitude = NmeaFields.ReadCoordinate(_data, Start(latitudeField + 2), End(latitudeField + 2), Start(latitudeField + 3), End(latitudeField + 3), 3, out longitude);
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
    }
}
