namespace Eldercare.Firmware.Core.Hil
{
    /// <summary>The commands of the HIL serial protocol (firmware/README.md, "HIL serial protocol"): one per line.</summary>
    public static class HilCommandKinds
    {
        /// <summary><c>PING</c>: the device answers <c>PONG</c> (is anyone there, at which baud rate).</summary>
        public const int Ping = 1;

        /// <summary><c>HIL ON</c>: test mode; IMU samples and GNSS sentences come from the serial link, not the sensors.</summary>
        public const int TestModeOn = 2;

        /// <summary><c>HIL OFF</c>: back to the sensors.</summary>
        public const int TestModeOff = 3;

        /// <summary><c>A x y z</c>: one accelerometer sample, whole milli-g (1000 = 1 g), the data sets' unit.</summary>
        public const int Sample = 4;

        /// <summary><c>G $GPGGA,...*hh</c>: one NMEA sentence for the GNSS receiver (CR LF added by the device).</summary>
        public const int Sentence = 5;

        /// <summary><c>SOS ms</c>: hold the SOS button for ms milliseconds (150 = short press, 3000 = long press).</summary>
        public const int Sos = 6;

        /// <summary><c>STAT</c>: the device answers its HIL counters.</summary>
        public const int Status = 7;
    }
}
