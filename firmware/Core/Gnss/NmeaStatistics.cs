namespace Eldercare.Firmware.Core.Gnss
{
    /// <summary>
    /// What the parser did with its input since start: sentences used, sentences ignored (other types), sentences
    /// rejected by reason (<see cref="NmeaRejectReason"/>) and bytes between sentences. Nothing is dropped silently.
    /// </summary>
    public sealed class NmeaStatistics
    {
        private readonly int[] _rejected = new int[NmeaRejectReason.Count];

        /// <summary>GGA sentences decoded (with or without a fix).</summary>
        public int AcceptedGga { get; private set; }

        /// <summary>RMC sentences decoded (with or without a fix).</summary>
        public int AcceptedRmc { get; private set; }

        /// <summary>Well-formed sentences of other types (GSA, GSV, VTG, proprietary $P...): checked, not used.</summary>
        public int Ignored { get; private set; }

        /// <summary>Bytes outside any sentence (neither part of one nor a line end): noise on the line.</summary>
        public int NoiseBytes { get; private set; }

        public int Rejected(int reason)
        {
            return reason >= 0 && reason < _rejected.Length ? _rejected[reason] : 0;
        }

        public int TotalRejected
        {
            get
            {
                int total = 0;
                for (int i = 0; i < _rejected.Length; i++)
                {
                    total += _rejected[i];
                }

                return total;
            }
        }

        /// <summary>"gga=565 rmc=565 ignored=... noise=... bad_checksum=..." (only reasons that occurred).</summary>
        public string Describe()
        {
            string text = "gga=" + AcceptedGga.ToString() + " rmc=" + AcceptedRmc.ToString() + " ignored=" + Ignored.ToString() + " noise_bytes=" + NoiseBytes.ToString();
            for (int i = 0; i < _rejected.Length; i++)
            {
                if (_rejected[i] > 0)
                {
                    text = text + " " + NmeaRejectReason.NameOf(i) + "=" + _rejected[i].ToString();
                }
            }

            return text;
        }

        internal void CountGga()
        {
            AcceptedGga++;
        }

        internal void CountRmc()
        {
            AcceptedRmc++;
        }

        internal void CountIgnored()
        {
            Ignored++;
        }

        internal void CountNoise()
        {
            NoiseBytes++;
        }

        internal void CountRejected(int reason)
        {
            _rejected[reason]++;
        }
    }
}
