namespace Eldercare.Firmware.Core.Hil
{
    /// <summary>
    /// Frames the serial link's bytes into lines (LF ends a line, a CR before it is dropped), from bytes and never by
    /// indexing strings (nanoFramework strings are UTF-8). A line longer than <see cref="MaximumLineBytes"/> or holding a
    /// NUL (it would end a string on the device) is refused whole: its bytes are skipped up to the next LF.
    /// </summary>
    public sealed class HilLineReader
    {
        /// <summary>"G " + the longest NMEA sentence (82 bytes with CR LF) fits with room to spare.</summary>
        public const int MaximumLineBytes = 100;

        /// <summary><see cref="Feed"/>: nothing complete yet.</summary>
        public const int Pending = 0;

        /// <summary><see cref="Feed"/>: a line is in <see cref="Line"/> (<see cref="Length"/> bytes).</summary>
        public const int LineReady = 1;

        /// <summary><see cref="Feed"/>: a line was refused, see <see cref="RejectReason"/>.</summary>
        public const int LineRejected = 2;

        private readonly byte[] _line = new byte[MaximumLineBytes];
        private int _length;
        private string _discarding;

        /// <summary>The bytes of the last complete line (valid until the next <see cref="Feed"/>).</summary>
        public byte[] Line
        {
            get { return _line; }
        }

        public int Length { get; private set; }

        /// <summary>Why the last line was refused ("nul" or "too_long").</summary>
        public string RejectReason { get; private set; }

        public int LinesRejected { get; private set; }

        /// <summary>Takes one byte; returns <see cref="Pending"/>, <see cref="LineReady"/> or <see cref="LineRejected"/>.</summary>
        public int Feed(byte b)
        {
            if (b == (byte)'\n')
            {
                if (_discarding != null)
                {
                    RejectReason = _discarding;
                    _discarding = null;
                    _length = 0;
                    LinesRejected++;
                    return LineRejected;
                }

                int length = _length;
                if (length > 0 && _line[length - 1] == (byte)'\r')
                {
                    length--;
                }

                Length = length;
                _length = 0;
                return LineReady;
            }

            if (_discarding != null)
            {
                return Pending;
            }

            if (b == 0)
            {
                _discarding = "nul";
                return Pending;
            }

            if (_length == MaximumLineBytes)
            {
                _discarding = "too_long";
                return Pending;
            }

            _line[_length] = b;
            _length++;
            return Pending;
        }
    }
}
