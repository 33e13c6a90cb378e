namespace Eldercare.Firmware.Core.Power
{
    /// <summary>
    /// When the watch's GNSS module is powered (pure: time and the geofence's last judgement come in, the wanted power
    /// state goes out; the app drives it on its own thread, <see cref="Hardware.IGnssPower"/> switches the module).
    /// <list type="bullet">
    /// <item>A fix window opens at start and then once per period. It ends at the first fix that passes the geofence's
    /// gate (reason <see cref="EndFix"/>), which the geofence has already judged, or after
    /// <see cref="GnssDutyCycleOptions.FixTimeoutSeconds"/> without one (<see cref="EndNoFix"/>).</item>
    /// <item>While the geofence is confirming an exit or a return, the window is held open (fixes at 1 Hz) until it
    /// decided, at most <see cref="GnssDutyCycleOptions.ConfirmHoldSeconds"/> beyond the timeout
    /// (<see cref="EndHoldLimit"/>).</item>
    /// <item>The period after a fix is the time the wearer needs to reach the exit line (zone edge + margin) at
    /// max(assumed walking speed, the speed towards or away from the edge seen between the last two fixes), between
    /// <see cref="GnssDutyCycleOptions.FastPeriodSeconds"/> and <see cref="GnssDutyCycleOptions.PeriodSeconds"/>:
    /// outside, near the edge or moving fast it is the fast period. So, while the wearer moves no faster than that
    /// speed, a window opens at most one fast period after the exit line is crossed: the geofence alarm comes at most
    /// FastPeriod + the time to a gated fix later than with the module always on (the confirmation itself is
    /// unchanged).</item>
    /// </list>
    /// A window without a fix (indoors) doubles the period, up to the full one. Periods count from the opening of the
    /// window, so a window every 300 s keeps the module on window / 300 s.
    /// </summary>
    public sealed class GnssDutyCycle
    {
        /// <summary>Why the last window ended (<see cref="LastEnd"/>).</summary>
        public const string EndNone = "none";
        public const string EndFix = "fix";
        public const string EndNoFix = "no-fix";
        public const string EndHoldLimit = "hold-limit";

        private readonly GnssDutyCycleOptions _options;
        private readonly float _exitLineMetres;
        private long _nextWindowAt;
        private bool _windowOpen;
        private long _windowOpenedAt;
        private bool _firstWindow = true;
        private long _periodMilliseconds;
        private bool _hasPrevious;
        private float _previousDistance;
        private long _previousFixAt;
        private long _lastUpdateAt = -1;

        /// <param name="options">the cycle's settings</param>
        /// <param name="exitLineMetres">the geofence's margin: the exit line is this far beyond a zone's edge</param>
        public GnssDutyCycle(GnssDutyCycleOptions options, float exitLineMetres)
        {
            _options = options;
            _exitLineMetres = exitLineMetres;
            _periodMilliseconds = options.FastPeriodSeconds * 1000L;
            LastEnd = EndNone;
        }

        /// <summary>What the last update decided: the module powered.</summary>
        public bool Wanted
        {
            get { return _windowOpen; }
        }

        /// <summary>Why the last window ended (one of the End constants).</summary>
        public string LastEnd { get; private set; }

        /// <summary>Windows opened since start.</summary>
        public int Windows { get; private set; }

        /// <summary>Windows that ended with a gated fix.</summary>
        public int WindowsWithFix { get; private set; }

        /// <summary>Windows that ended without one.</summary>
        public int WindowsWithoutFix { get; private set; }

        /// <summary>Milliseconds the module was wanted on since start (the budget's GNSS duty on the twin).</summary>
        public long OnMilliseconds { get; private set; }

        /// <summary>Milliseconds since start (first update to last).</summary>
        public long ElapsedMilliseconds { get; private set; }

        /// <summary>The period chosen after the last window, ms.</summary>
        public long PeriodMilliseconds
        {
            get { return _periodMilliseconds; }
        }

        /// <summary>The speed used for that period, cm/s (the assumed walking speed or the faster one seen).</summary>
        public int SpeedCentimetresPerSecond { get; private set; }

        /// <summary>When the next window opens (uptime ms; meaningless while one is open).</summary>
        public long NextWindowAt
        {
            get { return _nextWindowAt; }
        }

        /// <summary>The first window opens at once (a boot wants a position).</summary>
        public void Start(long now)
        {
            _nextWindowAt = now;
            _lastUpdateAt = now;
        }

        /// <summary>Until the next window, 0 while one is open (the device may sleep that long as far as GNSS goes).</summary>
        public long MillisecondsUntilNextWindow(long now)
        {
            if (_windowOpen || now >= _nextWindowAt)
            {
                return 0;
            }

            return _nextWindowAt - now;
        }

        /// <param name="now">uptime, ms</param>
        /// <param name="lastGoodFixAt">uptime of the geofence's last gated fix, or -1 for none yet</param>
        /// <param name="distanceMetres">that fix's signed distance to the nearest zone edge (negative inside)</param>
        /// <param name="confirming">the geofence counts confirming fixes towards an exit or a return</param>
        /// <returns>true when the module should be powered</returns>
        public bool Update(long now, long lastGoodFixAt, float distanceMetres, bool confirming)
        {
            if (_lastUpdateAt >= 0)
            {
                long step = now - _lastUpdateAt;
                ElapsedMilliseconds += step;
                if (_windowOpen)
                {
                    OnMilliseconds += step;
                }
            }

            _lastUpdateAt = now;
            if (!_windowOpen && now >= _nextWindowAt)
            {
                _windowOpen = true;
                _windowOpenedAt = now;
                Windows++;
            }

            if (!_windowOpen)
            {
                return false;
            }

            long timeout = (_firstWindow ? _options.FirstFixTimeoutSeconds : _options.FixTimeoutSeconds) * 1000L;
            bool gotFix = lastGoodFixAt >= _windowOpenedAt;
            if (gotFix && !confirming)
            {
                WindowsWithFix++;
                Close(now, EndFix, lastGoodFixAt, distanceMetres, true);
            }
            else if (gotFix && now - _windowOpenedAt >= timeout + (_options.ConfirmHoldSeconds * 1000L))
            {
                WindowsWithFix++;
                Close(now, EndHoldLimit, lastGoodFixAt, distanceMetres, true);
            }
            else if (!gotFix && now - _windowOpenedAt >= timeout)
            {
                WindowsWithoutFix++;
                Close(now, EndNoFix, lastGoodFixAt, distanceMetres, false);
            }

            return _windowOpen;
        }

        private void Close(long now, string reason, long fixAt, float distanceMetres, bool gotFix)
        {
            _windowOpen = false;
            _firstWindow = false;
            LastEnd = reason;
            if (gotFix)
            {
                _periodMilliseconds = PeriodAfter(fixAt, distanceMetres);
            }
            else
            {
                // No fix (indoors): back off from the last period, doubling up to the full one, so a watch that stays
                // indoors pays a timeout per full period, not per fast one.
                long slow = _options.PeriodSeconds * 1000L;
                _periodMilliseconds = _periodMilliseconds >= slow / 2 ? slow : _periodMilliseconds * 2;
            }

            // A window held longer than the period (a confirmation) counts the period from its end.
            long next = _windowOpenedAt + _periodMilliseconds;
            _nextWindowAt = next > now ? next : now + _periodMilliseconds;
        }

        private long PeriodAfter(long fixAt, float distanceMetres)
        {
            int speed = _options.WalkingSpeedCentimetresPerSecond;
            if (_hasPrevious && fixAt > _previousFixAt)
            {
                float change = distanceMetres - _previousDistance;
                if (change < 0f)
                {
                    change = -change;
                }

                float seen = change * 100000f / (fixAt - _previousFixAt);
                if (seen > speed)
                {
                    speed = seen > 100000f ? 100000 : (int)seen;
                }
            }

            _hasPrevious = true;
            _previousDistance = distanceMetres;
            _previousFixAt = fixAt;
            SpeedCentimetresPerSecond = speed;
            long fast = _options.FastPeriodSeconds * 1000L;
            long slow = _options.PeriodSeconds * 1000L;
            float gap = _exitLineMetres - distanceMetres;
            if (!(gap > 0f))
            {
                return fast;
            }

            float reach = gap * 100000f / speed;
            if (reach <= fast)
            {
                return fast;
            }

            return reach >= slow ? slow : (long)reach;
        }
    }
}
