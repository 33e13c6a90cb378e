namespace Eldercare.Firmware.Core.Sos
{
    /// <summary>
    /// Debounces the raw SOS button level and recognises long and short presses, on an
    /// injected clock (the caller passes the time; nothing here sleeps or reads a clock).
    /// </summary>
    public sealed class SosButton
    {
        private readonly SosButtonOptions _options;
        private bool _stablePressed;
        private bool _candidatePressed;
        private long _candidateSinceMilliseconds;
        private long _pressStartMilliseconds;
        private bool _longPressReported;

        public SosButton(SosButtonOptions options)
        {
            _options = options;
        }

        /// <summary>Debounced level.</summary>
        public bool IsPressed
        {
            get { return _stablePressed; }
        }

        /// <summary>Feed the raw level and the time; call every few ms (10-20 ms is plenty).</summary>
        public ButtonGesture Update(bool rawPressed, long nowMilliseconds)
        {
            if (rawPressed != _candidatePressed)
            {
                _candidatePressed = rawPressed;
                _candidateSinceMilliseconds = nowMilliseconds;
            }

            if (_candidatePressed != _stablePressed && nowMilliseconds - _candidateSinceMilliseconds >= _options.DebounceMilliseconds)
            {
                _stablePressed = _candidatePressed;
                if (_stablePressed)
                {
                    // The press began when the level first changed, not when debouncing ended.
                    _pressStartMilliseconds = _candidateSinceMilliseconds;
                    _longPressReported = false;
                }
                else if (!_longPressReported)
                {
                    return ButtonGesture.ShortPress;
                }
            }

            if (_stablePressed && !_longPressReported && nowMilliseconds - _pressStartMilliseconds >= _options.LongPressMilliseconds)
            {
                _longPressReported = true;
                return ButtonGesture.LongPress;
            }

            return ButtonGesture.None;
        }
    }
}
