namespace Eldercare.Firmware.Core.Wellness
{
    /// <summary>
    /// Settings of the wellness (inactivity) check, validated once at start (<see cref="Validate"/>). The numbers and
    /// the data behind them are in Core/Wellness/README.md; in short:
    /// <list type="bullet">
    /// <item><see cref="MovementThresholdG"/> 0.06 g (standard deviation of the acceleration vector over one second):
    /// every one of the 2,135 activity trials of ../shared/datasets/falls (SisFall, 30 subjects, 12 of them elderly)
    /// has a second above it (the least active trial peaks at 0.065 g), while 95% of the lying-still seconds after
    /// the falls stay below it on the trunk, the noisier 20 Hz UMAFall sensor included (p95 0.033 g SisFall waist,
    /// 0.056 chest, 0.059 waist; the wrist, which keeps moving after a fall, 0.076). Sensor noise never reaches it.</item>
    /// <item><see cref="InactivityMinutes"/> 180: longer than an older adult's usual daytime nap (typically well under
    /// two hours), so a nap does not alarm; short enough that someone who cannot get up is found within
    /// the morning or the afternoon, not the next day. The fall detector covers the first minutes; this is the
    /// fallback for what it misses (a slow collapse, a stroke in a chair).</item>
    /// <item>Waking hours 07:00-22:00 local time, China (UTC+8) by default: night never alarms.</item>
    /// <item>Not worn after 30 min flat and perfectly still (<see cref="NotWornAfterSeconds"/>): well inside the
    /// period, so a pendant left on the table reports <c>not_worn</c> long before it could alarm.</item>
    /// </list>
    /// </summary>
    public sealed class WellnessOptions
    {
        public const int MinutesPerDay = 1440;

        public WellnessOptions()
        {
            InactivityMinutes = 180;
            WakingFromMinuteOfDay = 7 * 60;
            WakingUntilMinuteOfDay = 22 * 60;
            UtcOffsetMinutes = 8 * 60;
            MovementThresholdG = 0.06f;
            NotWornAfterSeconds = 1800;
            NotWornMaxDeviationG = 0.010f;
            NotWornMaxDriftG = 0.005f;
            NotWornMaxTiltDegrees = 10;
        }

        /// <summary>Waking-hours minutes without a second of significant movement before a <c>wellness</c> alarm.</summary>
        public int InactivityMinutes { get; set; }

        /// <summary>Local minute of the day (0..1439) waking hours begin; 420 = 07:00.</summary>
        public int WakingFromMinuteOfDay { get; set; }

        /// <summary>
        /// Local minute of the day (0..1439) waking hours end; 1320 = 22:00. Before <see cref="WakingFromMinuteOfDay"/>
        /// means the waking hours run over midnight; equal to it means there is no night (every hour is waking).
        /// </summary>
        public int WakingUntilMinuteOfDay { get; set; }

        /// <summary>Local time = UTC + this; the device's clock (IClock) is UTC. China: +480 all year (no DST).</summary>
        public int UtcOffsetMinutes { get; set; }

        /// <summary>A second whose acceleration varies more than this (std of the vector, g) is significant movement.</summary>
        public float MovementThresholdG { get; set; }

        /// <summary>Flat and perfectly still for this long: not worn (a status, never an alarm). Less than the period.</summary>
        public int NotWornAfterSeconds { get; set; }

        /// <summary>
        /// Sensor noise floor: a second varying more than this (std of the vector, g) is not "perfectly still". The
        /// MPU6050 (400 µg/√Hz) with its low-pass filter at 21-44 Hz gives 4-6 mg over three axes; a body lying still
        /// was never under 4.6 mg in SisFall. Set it to ~2x the fitted sensor's measured floor.
        /// </summary>
        public float NotWornMaxDeviationG { get; set; }

        /// <summary>
        /// Largest change of the mean gravity vector (g) over the not-worn time: 0.005 g is 0.3°. A worn device tilts
        /// with every breath: after a fall, 93% of the still-lying SisFall trials moved it more than this within 5 s.
        /// </summary>
        public float NotWornMaxDriftG { get; set; }

        /// <summary>Gravity within this angle of one of the sensor's axes: the device lies flat (table, charger).</summary>
        public int NotWornMaxTiltDegrees { get; set; }

        /// <summary>Null when valid, else the first problem in words.</summary>
        /// <summary>A copy (to check a configuration's changes before they are made).</summary>
        public WellnessOptions Clone()
        {
            WellnessOptions copy = new WellnessOptions();
            copy.InactivityMinutes = InactivityMinutes;
            copy.WakingFromMinuteOfDay = WakingFromMinuteOfDay;
            copy.WakingUntilMinuteOfDay = WakingUntilMinuteOfDay;
            copy.UtcOffsetMinutes = UtcOffsetMinutes;
            copy.MovementThresholdG = MovementThresholdG;
            copy.NotWornAfterSeconds = NotWornAfterSeconds;
            copy.NotWornMaxDeviationG = NotWornMaxDeviationG;
            copy.NotWornMaxDriftG = NotWornMaxDriftG;
            copy.NotWornMaxTiltDegrees = NotWornMaxTiltDegrees;
            return copy;
        }

        public string Validate()
        {
            if (InactivityMinutes < 1 || InactivityMinutes > 720)
            {
                return "Wellness InactivityMinutes must be 1..720";
            }

            if (WakingFromMinuteOfDay < 0 || WakingFromMinuteOfDay >= MinutesPerDay || WakingUntilMinuteOfDay < 0 || WakingUntilMinuteOfDay >= MinutesPerDay)
            {
                return "Wellness WakingFromMinuteOfDay and WakingUntilMinuteOfDay must be 0..1439";
            }

            if (UtcOffsetMinutes < -720 || UtcOffsetMinutes > 840)
            {
                return "Wellness UtcOffsetMinutes must be -720..840";
            }

            if (!(MovementThresholdG >= 0.02f && MovementThresholdG <= 1f))
            {
                return "Wellness MovementThresholdG must be 0.02..1 (below 0.02 sensor noise and breathing count as movement)";
            }

            if (NotWornAfterSeconds < 30 || NotWornAfterSeconds >= InactivityMinutes * 60)
            {
                return "Wellness NotWornAfterSeconds must be at least 30 and less than the inactivity period";
            }

            if (!(NotWornMaxDeviationG > 0f && NotWornMaxDeviationG < MovementThresholdG))
            {
                return "Wellness NotWornMaxDeviationG must be above 0 and below MovementThresholdG";
            }

            if (!(NotWornMaxDriftG > 0f && NotWornMaxDriftG <= 0.1f))
            {
                return "Wellness NotWornMaxDriftG must be above 0 and at most 0.1";
            }

            if (NotWornMaxTiltDegrees < 1 || NotWornMaxTiltDegrees > 30)
            {
                return "Wellness NotWornMaxTiltDegrees must be 1..30";
            }

            return null;
        }
    }
}
