namespace Eldercare.Firmware.Core.Power
{
    /// <summary>
    /// The watch's GNSS duty cycle (<see cref="GnssDutyCycle"/>): the one owner of the figures hardware/power-budget.json's
    /// GNSS loads are computed from (PowerBudgetScheduleTests runs the cycle on a fake clock against them).
    /// </summary>
    public sealed class GnssDutyCycleOptions
    {
        /// <summary>A fix window this often while the wearer is well inside a zone, seconds (the budget's "every 5 min").</summary>
        public const int DefaultPeriodSeconds = 300;

        /// <summary>
        /// The module's expected time on per window, seconds (the budget's figure): a hot start from backup power
        /// (SAM-M8Q 1 s, AT6558R 1 s) until the first fix that passes the geofence's gate (5 satellites, HDOP 5.0), with
        /// margin. The window ends at that fix; what a real module takes is to be measured on a board.
        /// </summary>
        public const int ExpectedWindowSeconds = 10;

        public GnssDutyCycleOptions()
        {
            PeriodSeconds = DefaultPeriodSeconds;
            FastPeriodSeconds = 30;
            FixTimeoutSeconds = 30;
            FirstFixTimeoutSeconds = 60;
            ConfirmHoldSeconds = 90;
            WalkingSpeedCentimetresPerSecond = 200;
        }

        /// <summary>The longest time between two windows (wearer far inside a zone), seconds.</summary>
        public int PeriodSeconds { get; set; }

        /// <summary>
        /// The shortest: while the wearer is outside, beyond or near the exit line, or could reach it sooner at the
        /// assumed speed. Bounds the extra delay of a wandering alarm (firmware/README.md "Power").
        /// </summary>
        public int FastPeriodSeconds { get; set; }

        /// <summary>A window without a fix that passes the gate ends after this, seconds (reason "no-fix").</summary>
        public int FixTimeoutSeconds { get; set; }

        /// <summary>The same for the first window after a boot (a cold start: 35-37 s in the datasheets and logs).</summary>
        public int FirstFixTimeoutSeconds { get; set; }

        /// <summary>
        /// While the geofence is confirming an exit or a return (5 fixes over 30 s), the window is held open at 1 Hz, at
        /// most this long after the fix timeout: the confirmation is then as without the duty cycle.
        /// </summary>
        public int ConfirmHoldSeconds { get; set; }

        /// <summary>
        /// The speed the wearer is assumed to be able to reach the exit line at (cm/s; 2 m/s is a brisk walk, the recorded
        /// median is 1.1 m/s); a faster speed towards or away from the edge between two fixes is used instead.
        /// </summary>
        public int WalkingSpeedCentimetresPerSecond { get; set; }

        /// <summary>Null when valid, else the first problem in words.</summary>
        public string Validate()
        {
            if (FastPeriodSeconds < 5 || FastPeriodSeconds > PeriodSeconds)
            {
                return "GnssDutyCycle.FastPeriodSeconds must be 5..PeriodSeconds";
            }

            if (PeriodSeconds > 3600)
            {
                return "GnssDutyCycle.PeriodSeconds must be FastPeriodSeconds..3600";
            }

            if (FixTimeoutSeconds < 5 || FixTimeoutSeconds > 600 || FirstFixTimeoutSeconds < FixTimeoutSeconds || FirstFixTimeoutSeconds > 600)
            {
                return "GnssDutyCycle.FixTimeoutSeconds must be 5..600, FirstFixTimeoutSeconds FixTimeoutSeconds..600";
            }

            if (ConfirmHoldSeconds < 0 || ConfirmHoldSeconds > 600)
            {
                return "GnssDutyCycle.ConfirmHoldSeconds must be 0..600";
            }

            return WalkingSpeedCentimetresPerSecond < 10 || WalkingSpeedCentimetresPerSecond > 10000 ? "GnssDutyCycle.WalkingSpeedCentimetresPerSecond must be 10..10000" : null;
        }
    }
}
