namespace Eldercare.Firmware.Core.Falls
{
    /// <summary>
    /// Indices and names of the features that <see cref="FallFeatureExtractor"/> computes for
    /// every impact candidate. The logistic stage of <see cref="FallDetector"/> weighs them in
    /// this order; the weights in <see cref="FallDetectorOptions"/> must follow it.
    /// All features are orientation-free (magnitudes, or the angle between two gravity
    /// estimates of the same sensor), so the way the device is worn does not matter.
    /// </summary>
    public static class FallFeatures
    {
        /// <summary>ln(impact peak |a| in g): the log spreads the 1.5-4 g range where falls and hard sits overlap.</summary>
        public const int PeakG = 0;

        /// <summary>Lowest |a| in the second before the peak (free fall drives it toward 0 g).</summary>
        public const int PreMinimumG = 1;

        /// <summary>Sum of (|a| - 1 g) over the second before the peak, in g*s: a falling body gains downward speed.</summary>
        public const int PreVelocityGSeconds = 2;

        /// <summary>Standard deviation of |a| from 2 s to 1 s before the peak: how busy the wearer was.</summary>
        public const int PreStandardDeviationG = 3;

        /// <summary>Largest |a| from 2 s to 0.3 s before the peak divided by the peak: steps of jogging or hopping repeat, a fall hits once.</summary>
        public const int PrePeakRatio = 4;

        /// <summary>ln(0.01 + standard deviation of |a|) in the post-impact window: lying still after a fall.</summary>
        public const int PostStandardDeviationLog = 5;

        /// <summary>ln(1e-4 + summed per-axis variance, g^2) in the post-impact window: catches rotation that keeps |a| at 1 g.</summary>
        public const int PostVectorVarianceLog = 6;

        /// <summary>|mean |a| - 1 g| in the post-impact window.</summary>
        public const int PostMeanDeviationG = 7;

        /// <summary>1 - cos(angle) between the mean acceleration vector before and after the impact: posture change.</summary>
        public const int TiltOneMinusCosine = 8;

        /// <summary>ln(0.01 + sum of (|a| - 1 g) above 1 g within 0.3 s of the peak, in g*s): how hard and long the impact was.</summary>
        public const int ImpactAreaGSeconds = 9;

        /// <summary>
        /// |cos| of the angle between the pre-impact gravity estimate and the device's upright
        /// axis (<see cref="FallDetectorOptions.UprightAxis"/>): about 1 upright, about 0 lying.
        /// 0.5 when the profile has no upright axis.
        /// </summary>
        public const int PreUprightCosine = 10;

        /// <summary>The same |cos| after the impact: lying after a fall drives it toward 0.</summary>
        public const int PostUprightCosine = 11;

        /// <summary>
        /// ln(1 + number of other hits from 2 s before to 1.8 s after the peak, each at least 40 %
        /// of the impact's excess over 1 g, separated by a dip): clapping, waving and hopping
        /// repeat their hits, a fall hits once (issue 17, the watch's repetitive hand activities).
        /// </summary>
        public const int RepetitionsLog = 12;

        /// <summary>Number of features.</summary>
        public const int Count = 13;

        private static readonly string[] s_names = new string[]
        {
            "peak", "premin", "prevel", "prestd", "preratio", "poststd", "postvar", "postdev", "tilt", "area", "preup", "postup", "repeat",
        };

        /// <summary>Short name of a feature, used in detection descriptions and tool output.</summary>
        public static string NameOf(int index)
        {
            return s_names[index];
        }
    }
}
