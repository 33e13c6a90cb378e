namespace Eldercare.Firmware.Core.Gnss
{
    /// <summary>
    /// Refuses a sentence whose UTC time (or date) moved differently from the device's monotonic clock: a receiver
    /// restarting with a wrong date, a GPS week rollover (the recorded GPS-320FW jumps 2019 -> 2006 -> 2010 -> 1999),
    /// a time going backwards by more than the tolerance. One odd time is refused and remembered as a candidate; if the next time agrees with
    /// the candidate rather than with the old reference, the receiver really changed its clock (a cold start that
    /// got GPS time) and the candidate becomes the reference, so a one-off glitch costs one sentence and a real
    /// change two.
    /// </summary>
    public sealed class GnssTimeGuard
    {
        /// <summary>
        /// Allowed disagreement. Sentences reach the core through a UART buffer read every few ms to ~1 s late, and
        /// GGA and RMC of one epoch carry the same time; 3 s also leaves room for a receiver that sends its RMC a
        /// cycle before its GGA.
        /// </summary>
        public const long ToleranceMilliseconds = 3000;

        private const long MillisecondsPerDay = 86400000;

        private bool _hasReference;
        private int _referenceTime;
        private int _referenceDays;
        private long _referenceUptime;
        private bool _hasCandidate;
        private int _candidateTime;
        private int _candidateDays;
        private long _candidateUptime;

        /// <summary>True when the time fits; <paramref name="days"/> is <see cref="GnssFix.Unknown"/> for GGA.</summary>
        public bool Accept(int timeOfDayMilliseconds, int days, long uptimeMilliseconds)
        {
            if (!_hasReference || Fits(_referenceTime, _referenceDays, _referenceUptime, timeOfDayMilliseconds, days, uptimeMilliseconds))
            {
                SetReference(timeOfDayMilliseconds, days, uptimeMilliseconds);
                _hasCandidate = false;
                return true;
            }

            if (_hasCandidate && Fits(_candidateTime, _candidateDays, _candidateUptime, timeOfDayMilliseconds, days, uptimeMilliseconds))
            {
                SetReference(timeOfDayMilliseconds, days, uptimeMilliseconds);
                _hasCandidate = false;
                return true;
            }

            _hasCandidate = true;
            _candidateTime = timeOfDayMilliseconds;
            _candidateDays = days;
            _candidateUptime = uptimeMilliseconds;
            return false;
        }

        private void SetReference(int time, int days, long uptime)
        {
            // A GGA (no date) keeps the last known date, rolled over at midnight, so the next RMC is compared with it.
            if (days == GnssFix.Unknown && _hasReference && _referenceDays != GnssFix.Unknown)
            {
                int step = time - _referenceTime;
                days = step < -MillisecondsPerDay / 2 ? _referenceDays + 1 : step > MillisecondsPerDay / 2 ? _referenceDays - 1 : _referenceDays;
            }

            _hasReference = true;
            _referenceTime = time;
            _referenceDays = days;
            _referenceUptime = uptime;
        }

        private static bool Fits(int referenceTime, int referenceDays, long referenceUptime, int time, int days, long uptime)
        {
            long expected = uptime - referenceUptime;
            long observed;
            if (days != GnssFix.Unknown && referenceDays != GnssFix.Unknown)
            {
                observed = (((long)days - referenceDays) * MillisecondsPerDay) + time - referenceTime;
            }
            else
            {
                // Time of day only: the step taken within half a day either way, so midnight rolls over and a
                // receiver that corrects its first fix's time by a fraction of a second back (the recorded Telit
                // HE910: 105153.71 then 105153.408) stays within the tolerance. Past half a day it cannot be told.
                observed = time - referenceTime;
                if (observed > MillisecondsPerDay / 2)
                {
                    observed -= MillisecondsPerDay;
                }
                else if (observed <= -MillisecondsPerDay / 2)
                {
                    observed += MillisecondsPerDay;
                }

                if (expected >= (MillisecondsPerDay / 2) - ToleranceMilliseconds)
                {
                    return true;
                }
            }

            long difference = observed - expected;
            return difference <= ToleranceMilliseconds && difference >= -ToleranceMilliseconds;
        }
    }
}
