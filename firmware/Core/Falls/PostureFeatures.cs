namespace Eldercare.Firmware.Core.Falls
{
    /// <summary>
    /// Indices and names of the features of an impact-free posture candidate
    /// (<see cref="PostureTracker"/>): the trunk turned briskly to a new orientation and stays
    /// still there. All are orientation-free and gain-free (angles between mean vectors of the
    /// same sensor, activity relative to the mean squared magnitude), so neither the mounting
    /// nor the sensor's scale matters. <see cref="FallDetectorOptions.PostureWeights"/> follows
    /// this order.
    /// </summary>
    public static class PostureFeatures
    {
        /// <summary>1 - cos(angle) between the mean vector 3.5..2.5 s before the decision and the one over its last second.</summary>
        public const int TiltOneMinusCosine = 0;

        /// <summary>ln(0.01 + largest relative activity of the three transition half-seconds): a brisk movement.</summary>
        public const int TransitionActivityLog = 1;

        /// <summary>ln(0.01 + largest relative activity of the last two half-seconds): stillness in the new posture.</summary>
        public const int AfterActivityLog = 2;

        /// <summary>ln(0.01 + largest relative activity of the two half-seconds before the change).</summary>
        public const int BeforeActivityLog = 3;

        /// <summary>Largest 1 - cos between consecutive half-second mean vectors over the change: fast rotation.</summary>
        public const int LargestStep = 4;

        /// <summary>|cos| of the pre-change vector with the self-calibrated body axis (0.5 while uncalibrated).</summary>
        public const int PreUprightCosine = 5;

        /// <summary>|cos| of the post-change vector with the self-calibrated body axis (0.5 while uncalibrated).</summary>
        public const int PostUprightCosine = 6;

        /// <summary>Number of features.</summary>
        public const int Count = 7;

        private static readonly string[] s_names = new string[]
        {
            "ptilt", "pmove", "pafter", "pbefore", "pstep", "ppreup", "ppostup",
        };

        /// <summary>Short name of a feature, used in tool output.</summary>
        public static string NameOf(int index)
        {
            return s_names[index];
        }
    }
}
