namespace Eldercare.Firmware.Core.Hil
{
    /// <summary>One decoded line of the HIL serial protocol; reused for every line (no allocation per sample).</summary>
    public sealed class HilCommand
    {
        /// <summary>Longest NMEA sentence carried (NMEA 0183 allows 82 characters including CR LF).</summary>
        public const int MaximumSentenceBytes = 82;

        /// <summary>One of <see cref="HilCommandKinds"/>.</summary>
        public int Kind;

        /// <summary>Sample axes, milli-g (<see cref="HilCommandKinds.Sample"/>).</summary>
        public int XMilliG;

        public int YMilliG;

        public int ZMilliG;

        /// <summary>How long to hold the button (<see cref="HilCommandKinds.Sos"/>).</summary>
        public int HoldMilliseconds;

        /// <summary>The sentence's bytes, CR LF appended (<see cref="HilCommandKinds.Sentence"/>); valid up to <see cref="SentenceLength"/>.</summary>
        public readonly byte[] Sentence = new byte[MaximumSentenceBytes];

        public int SentenceLength;
    }
}
