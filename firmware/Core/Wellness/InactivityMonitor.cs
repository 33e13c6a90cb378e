using System;

namespace Eldercare.Firmware.Core.Wellness
{
    /// <summary>
    /// The wellness state machine: fed every accelerometer sample (at the app's rate) with the UTC time, it decides
    /// when a worn device has seen no significant movement for the period within waking hours
    /// (<see cref="WellnessTransition.Inactive"/>) and when the device is not worn at all
    /// (<see cref="WellnessTransition.NotWorn"/>). Pure logic; time comes with the samples.
    /// <list type="number">
    /// <item>Each second (<see cref="MovementMeter"/>) is significant movement when its acceleration varies more than
    /// <see cref="WellnessOptions.MovementThresholdG"/>. A movement resets the count, ends a not-worn episode and
    /// re-arms after an alarm, and sends nothing.</item>
    /// <item>The count is of <b>observed still seconds within waking hours</b>: a second of night adds nothing, nor
    /// does a second the accelerometer did not deliver (a failing sensor cannot raise an alarm). So a period that
    /// started in the evening pauses at night and never fires then; at wake-up it resumes where the evening left it.
    /// An elder who moved at any time of the night (sleepers turn over many times a night) starts the day with a
    /// full period; one who has not moved since 20:00 (period 3 h, waking 07:00-22:00) is reported at 08:00.</item>
    /// <item>Not worn: <see cref="WellnessOptions.NotWornAfterSeconds"/> of seconds that are all flat and perfectly
    /// still: variance at the sensor's noise floor, gravity within a few degrees of one axis, and the gravity vector
    /// not drifting (a body tilts the device with every breath). Reported once; no count until a movement.</item>
    /// <item>On the charger nothing counts; coming off it starts a fresh period (it was off the body).</item>
    /// </list>
    /// </summary>
    public sealed class InactivityMonitor
    {
        private readonly MovementMeter _meter;
        private WakingHours _wakingHours;
        private readonly float _movementThresholdG;
        private long _periodMilliseconds;
        private readonly int _windowMilliseconds;
        private readonly int _notWornWindows;
        private readonly float _notWornMaxDeviationG;
        private readonly float _notWornMaxDriftSquared;
        private readonly float _flatCosineSquared;
        private long _stillMilliseconds;
        private int _flatWindows;
        private float _flatX, _flatY, _flatZ;
        private bool _charging;

        /// <param name="sampleRateHertz">The rate the caller feeds samples at (the app's 50 Hz); a window is one second of them.</param>
        public InactivityMonitor(WellnessOptions options, int sampleRateHertz)
        {
            _meter = new MovementMeter(sampleRateHertz);
            _wakingHours = new WakingHours(options.WakingFromMinuteOfDay, options.WakingUntilMinuteOfDay, options.UtcOffsetMinutes);
            _movementThresholdG = options.MovementThresholdG;
            _periodMilliseconds = options.InactivityMinutes * 60000L;
            _windowMilliseconds = 1000;
            _notWornWindows = options.NotWornAfterSeconds;
            _notWornMaxDeviationG = options.NotWornMaxDeviationG;
            _notWornMaxDriftSquared = options.NotWornMaxDriftG * options.NotWornMaxDriftG;
            double cosine = Math.Cos(options.NotWornMaxTiltDegrees * Math.PI / 180.0);
            _flatCosineSquared = (float)(cosine * cosine);
            State = WellnessState.Watching;
        }

        /// <summary>The inactivity period in minutes (what a configuration downlink sets with <c>idle</c>).</summary>
        public int PeriodMinutes
        {
            get { return (int)(_periodMilliseconds / 60000); }
        }

        /// <summary><see cref="WellnessState"/>.</summary>
        public int State { get; private set; }

        /// <summary>Waking-hours time without significant movement so far, ms (what the period is compared with).</summary>
        public long StillMilliseconds
        {
            get { return _stillMilliseconds; }
        }

        /// <summary>The waking hours in use, for the alarm's detail text.</summary>
        public WakingHours WakingHours
        {
            get { return _wakingHours; }
        }

        /// <summary>The last second's variation (std of the acceleration vector, g).</summary>
        public float LastDeviationG
        {
            get { return _meter.DeviationG; }
        }

        /// <summary>Seconds of significant movement since start.</summary>
        public int MovementSeconds { get; private set; }

        /// <summary>Movements that re-armed the check after a wellness alarm (nothing is sent for them).</summary>
        public int Rearms { get; private set; }

        /// <summary>Windows that held a sample that was not a number (a broken read): they count for nothing.</summary>
        public int InvalidWindows { get; private set; }

        /// <summary>
        /// New waking hours and inactivity period (a configuration downlink), from the next sample on. The stillness
        /// counted so far is kept: an elder already still for longer than a shorter new period gets the check at once.
        /// </summary>
        public void Reconfigure(WellnessOptions options)
        {
            _wakingHours = new WakingHours(options.WakingFromMinuteOfDay, options.WakingUntilMinuteOfDay, options.UtcOffsetMinutes);
            _periodMilliseconds = options.InactivityMinutes * 60000L;
        }

        /// <summary>
        /// Charger state (debounced by the caller). Going on: nothing counts and a not-worn episode or an alarm ends
        /// (the <c>charging</c> event says where the device is). Coming off: a fresh period.
        /// </summary>
        public void SetCharging(bool charging)
        {
            if (charging == _charging)
            {
                return;
            }

            _charging = charging;
            _stillMilliseconds = 0;
            _flatWindows = 0;
            State = charging ? WellnessState.Charging : WellnessState.Watching;
        }

        /// <summary>One accelerometer sample, g, and the UTC time. Returns a <see cref="WellnessTransition"/>.</summary>
        public int AddSample(float xG, float yG, float zG, long utcUnixMilliseconds)
        {
            if (!_meter.Add(xG, yG, zG))
            {
                return WellnessTransition.None;
            }

            return OnWindow(utcUnixMilliseconds);
        }

        private int OnWindow(long utcUnixMilliseconds)
        {
            float deviation = _meter.DeviationG;
            if (!(deviation >= 0f))
            {
                InvalidWindows++;
                return WellnessTransition.None;
            }

            if (_charging)
            {
                return WellnessTransition.None;
            }

            if (deviation > _movementThresholdG)
            {
                MovementSeconds++;
                _stillMilliseconds = 0;
                _flatWindows = 0;
                if (State == WellnessState.Alarmed)
                {
                    Rearms++;
                }

                State = WellnessState.Watching;
                return WellnessTransition.None;
            }

            if (CountFlat(deviation) && State != WellnessState.NotWorn)
            {
                State = WellnessState.NotWorn;
                _stillMilliseconds = 0;
                return WellnessTransition.NotWorn;
            }

            if (State != WellnessState.Watching || !_wakingHours.Contains(utcUnixMilliseconds))
            {
                return WellnessTransition.None;
            }

            _stillMilliseconds += _windowMilliseconds;
            if (_stillMilliseconds < _periodMilliseconds)
            {
                return WellnessTransition.None;
            }

            State = WellnessState.Alarmed;
            return WellnessTransition.Inactive;
        }

        /// <summary>
        /// Extends or restarts the run of flat, perfectly still seconds; true once it is long enough. The run's first
        /// second is the reference gravity vector: a second that drifted from it starts a new run.
        /// </summary>
        private bool CountFlat(float deviation)
        {
            float x = _meter.MeanXG, y = _meter.MeanYG, z = _meter.MeanZG;
            if (deviation > _notWornMaxDeviationG || !IsFlat(x, y, z))
            {
                _flatWindows = 0;
                return false;
            }

            float dx = x - _flatX, dy = y - _flatY, dz = z - _flatZ;
            if (_flatWindows == 0 || (dx * dx) + (dy * dy) + (dz * dz) > _notWornMaxDriftSquared)
            {
                _flatX = x;
                _flatY = y;
                _flatZ = z;
                _flatWindows = 0;
            }

            _flatWindows++;
            return _flatWindows >= _notWornWindows;
        }

        /// <summary>About 1 g (0.8..1.2: a device at rest) and within the tilt limit of one axis.</summary>
        private bool IsFlat(float x, float y, float z)
        {
            float squared = (x * x) + (y * y) + (z * z);
            if (squared < 0.64f || squared > 1.44f)
            {
                return false;
            }

            float largest = x * x;
            if (y * y > largest)
            {
                largest = y * y;
            }

            if (z * z > largest)
            {
                largest = z * z;
            }

            return largest >= _flatCosineSquared * squared;
        }
    }
}
