using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Core.Hil
{
    /// <summary>
    /// The SOS button the app reads: pressed while the real button is held, or while a serial <c>SOS ms</c> command
    /// holds it (in or out of test mode: a rig may also drive the real line through GPIO). Debouncing stays the core's.
    /// </summary>
    public sealed class HilButton : IButton
    {
        private readonly IButton _button;
        private readonly IClock _clock;
        private readonly object _lock = new object();
        private long _releaseAtMilliseconds;
        private bool _held;

        /// <summary><paramref name="button"/> is the real line (null when none); <paramref name="clock"/> times the holds.</summary>
        public HilButton(IButton button, IClock clock)
        {
            _button = button;
            _clock = clock;
        }

        public int Presses { get; private set; }

        public bool IsPressed
        {
            get
            {
                if (_button != null && _button.IsPressed)
                {
                    return true;
                }

                lock (_lock)
                {
                    return _held && _clock.UptimeMilliseconds < _releaseAtMilliseconds;
                }
            }
        }

        /// <summary>Holds the button for <paramref name="milliseconds"/> from now.</summary>
        public void Hold(int milliseconds)
        {
            lock (_lock)
            {
                _held = true;
                _releaseAtMilliseconds = _clock.UptimeMilliseconds + milliseconds;
                Presses++;
            }
        }
    }
}
