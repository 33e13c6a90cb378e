using Eldercare.Firmware.Core.Gnss;

namespace Eldercare.Firmware.Core.Geofence
{
    /// <summary>
    /// The anti-wandering state machine: fed every GGA fix and a clock, it decides when the wearer has left every
    /// safe zone (<see cref="GeofenceTransition.Exit"/>), come back (<see cref="GeofenceTransition.Return"/>) or
    /// lost position for too long (<see cref="GeofenceTransition.NoPosition"/>). Pure logic on injected time.
    /// <list type="number">
    /// <item>Gate: a fix counts only when valid, with <see cref="GeofenceOptions.MinSatellites"/> and an HDOP of at
    /// most <see cref="GeofenceOptions.MaxHdopHundredths"/>. Anything else carries no information: it neither
    /// confirms nor cancels, so a lost or poor fix can never raise an alarm.</item>
    /// <item>Hysteresis on d, the signed distance to the nearest zone edge: a fix beyond the exit line
    /// (d &gt; margin) confirms an exit, one inside a zone (d &lt;= 0) cancels it; a fix within the return line
    /// (d &lt; -margin) confirms a return, one outside every zone (d &gt;= 0) cancels it. A fix between a line and
    /// the edge does neither, so jitter at the fence line never flaps.</item>
    /// <item>Debounce: an exit needs <see cref="GeofenceOptions.ConfirmingFixes"/> confirming fixes and
    /// <see cref="GeofenceOptions.ExitDebounceMilliseconds"/> since the first of them; a return the same with
    /// <see cref="GeofenceOptions.ReturnDebounceMilliseconds"/>. A single jump confirms nothing.</item>
    /// <item>No good fix for <see cref="GeofenceOptions.NoPositionAfterMilliseconds"/> (from start or the last good
    /// fix): one "no position", and pending confirmations are dropped (stale); the state is kept, so a wearer
    /// already reported outside who comes back still gets a return.</item>
    /// </list>
    /// The first judgement after start needs the same confirmation: found outside at power-on is an exit (alarm),
    /// found inside is silent.
    /// </summary>
    public sealed class GeofenceMonitor
    {
        public const int GatePassed = 0;
        public const int GateNoFix = 1;
        public const int GateFewSatellites = 2;
        public const int GateHighHdop = 3;

        private readonly GeofenceOptions _options;
        private readonly GnssFix _lastGood = new GnssFix();
        private bool _started;
        private bool _hasGoodFix;
        private long _lastGoodMilliseconds;
        private bool _noPositionReported;
        private int _confirming;
        private long _confirmingSinceMilliseconds;
        private bool _suspended;
        private long _suspendedAtMilliseconds;

        public GeofenceMonitor(GeofenceOptions options)
        {
            _options = options;
            State = GeofenceState.Unknown;
            NearestZoneName = null;
        }

        /// <summary><see cref="GeofenceState"/>.</summary>
        public int State { get; private set; }

        /// <summary>The last fix that passed the gate (copy), or null before the first.</summary>
        public GnssFix LastGoodFix
        {
            get { return _hasGoodFix ? _lastGood : null; }
        }

        /// <summary>Signed distance of the last good fix to the nearest zone edge (negative inside).</summary>
        public float LastDistanceMetres { get; private set; }

        /// <summary>Name of the zone nearest to the last good fix.</summary>
        public string NearestZoneName { get; private set; }

        /// <summary>Fixes ignored because they were not valid fixes (GGA quality 0 or 6-8, no position).</summary>
        public int IgnoredNoFix { get; private set; }

        public int IgnoredFewSatellites { get; private set; }

        public int IgnoredHighHdop { get; private set; }

        /// <summary>Confirming fixes counted so far towards the pending exit or return.</summary>
        public int PendingConfirmations
        {
            get { return _confirming; }
        }

        /// <summary>Why <paramref name="fix"/> would be ignored, or <see cref="GatePassed"/>.</summary>
        public int Gate(GnssFix fix)
        {
            if (!fix.IsValid || !fix.HasPosition)
            {
                return GateNoFix;
            }

            if (fix.Satellites == GnssFix.Unknown || fix.Satellites < _options.MinSatellites)
            {
                return GateFewSatellites;
            }

            if (fix.HdopHundredths == GnssFix.Unknown || fix.HdopHundredths > _options.MaxHdopHundredths)
            {
                return GateHighHdop;
            }

            return GatePassed;
        }

        /// <summary>
        /// Takes one decoded fix (RMC carries no satellites or HDOP: only GGA is judged, RMC only moves time on).
        /// Returns a <see cref="GeofenceTransition"/>.
        /// </summary>
        public int Update(GnssFix fix, long nowMilliseconds)
        {
            Begin(nowMilliseconds);
            if (fix.Sentence != GnssFix.FromGga)
            {
                return Tick(nowMilliseconds);
            }

            int gate = Gate(fix);
            if (gate != GatePassed)
            {
                Count(gate);
                return Tick(nowMilliseconds);
            }

            _lastGood.CopyFrom(fix);
            _hasGoodFix = true;
            _lastGoodMilliseconds = nowMilliseconds;
            _noPositionReported = false;
            float distance = NearestSignedDistance(fix.LatitudeE7, fix.LongitudeE7);
            LastDistanceMetres = distance;
            return State == GeofenceState.Outside ? JudgeReturn(distance, nowMilliseconds) : JudgeExit(distance, nowMilliseconds);
        }

        /// <summary>True between <see cref="Suspend"/> and <see cref="Resume"/> (the GNSS module is off).</summary>
        public bool Suspended
        {
            get { return _suspended; }
        }

        /// <summary>
        /// The GNSS duty cycle switched the module off: "no position" counts only the time the module is on, and
        /// pending confirmations are dropped (the cycle holds the module on while they run, so only its hold limit
        /// drops one).
        /// </summary>
        public void Suspend(long nowMilliseconds)
        {
            Begin(nowMilliseconds);
            if (!_suspended)
            {
                _suspended = true;
                _suspendedAtMilliseconds = nowMilliseconds;
                _confirming = 0;
            }
        }

        /// <summary>The module is on again: the time it was off is not counted towards "no position".</summary>
        public void Resume(long nowMilliseconds)
        {
            if (_suspended)
            {
                _suspended = false;
                _lastGoodMilliseconds += nowMilliseconds - _suspendedAtMilliseconds;
            }
        }

        /// <summary>Call regularly even without input (a silent UART): reports "no position" when it is due.</summary>
        public int Tick(long nowMilliseconds)
        {
            Begin(nowMilliseconds);
            if (_suspended || _noPositionReported || nowMilliseconds - _lastGoodMilliseconds < _options.NoPositionAfterMilliseconds)
            {
                return GeofenceTransition.None;
            }

            _noPositionReported = true;
            _confirming = 0;
            return GeofenceTransition.NoPosition;
        }

        private void Begin(long nowMilliseconds)
        {
            if (!_started)
            {
                _started = true;
                _lastGoodMilliseconds = nowMilliseconds;
            }
        }

        private int JudgeExit(float distance, long nowMilliseconds)
        {
            if (distance <= 0f)
            {
                _confirming = 0;
                State = GeofenceState.Inside;
                return GeofenceTransition.None;
            }

            if (distance <= _options.MarginMetres)
            {
                return GeofenceTransition.None;
            }

            if (Confirm(nowMilliseconds, _options.ExitDebounceMilliseconds))
            {
                State = GeofenceState.Outside;
                return GeofenceTransition.Exit;
            }

            return GeofenceTransition.None;
        }

        private int JudgeReturn(float distance, long nowMilliseconds)
        {
            if (distance >= 0f)
            {
                _confirming = 0;
                return GeofenceTransition.None;
            }

            if (distance >= -_options.MarginMetres)
            {
                return GeofenceTransition.None;
            }

            if (Confirm(nowMilliseconds, _options.ReturnDebounceMilliseconds))
            {
                State = GeofenceState.Inside;
                return GeofenceTransition.Return;
            }

            return GeofenceTransition.None;
        }

        private bool Confirm(long nowMilliseconds, int debounceMilliseconds)
        {
            if (_confirming == 0)
            {
                _confirmingSinceMilliseconds = nowMilliseconds;
            }

            _confirming++;
            if (_confirming >= _options.ConfirmingFixes && nowMilliseconds - _confirmingSinceMilliseconds >= debounceMilliseconds)
            {
                _confirming = 0;
                return true;
            }

            return false;
        }

        private float NearestSignedDistance(int latitudeE7, int longitudeE7)
        {
            float nearest = float.MaxValue;
            for (int i = 0; i < _options.ZoneCount; i++)
            {
                ISafeZone zone = _options.ZoneAt(i);
                float distance = zone.SignedDistanceMetres(latitudeE7, longitudeE7);
                if (distance < nearest)
                {
                    nearest = distance;
                    NearestZoneName = zone.Name;
                }
            }

            return nearest;
        }

        private void Count(int gate)
        {
            if (gate == GateNoFix)
            {
                IgnoredNoFix++;
            }
            else if (gate == GateFewSatellites)
            {
                IgnoredFewSatellites++;
            }
            else
            {
                IgnoredHighHdop++;
            }
        }
    }
}
