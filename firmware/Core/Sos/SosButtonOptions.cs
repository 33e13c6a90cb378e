namespace Eldercare.Firmware.Core.Sos
{
    /// <summary>Timing of the SOS button. Defaults follow common pendant practice.</summary>
    public sealed class SosButtonOptions
    {
        public SosButtonOptions()
        {
            DebounceMilliseconds = 40;
            LongPressMilliseconds = 2000;
        }

        /// <summary>A level must hold this long to count: tactile switches bounce for 5-20 ms.</summary>
        public int DebounceMilliseconds { get; set; }

        /// <summary>Hold time that raises SOS (~2 s: long enough not to fire by a bump, short enough for a frail hand).</summary>
        public int LongPressMilliseconds { get; set; }

        public string Validate()
        {
            if (DebounceMilliseconds < 0 || DebounceMilliseconds > 500)
            {
                return "DebounceMilliseconds must be 0..500";
            }

            if (LongPressMilliseconds <= DebounceMilliseconds || LongPressMilliseconds > 10000)
            {
                return "LongPressMilliseconds must be above the debounce time and at most 10000";
            }

            return null;
        }
    }
}
