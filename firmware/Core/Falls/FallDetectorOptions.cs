using System;

namespace Eldercare.Firmware.Core.Falls
{
    /// <summary>
    /// Parameters of one <see cref="FallDetector"/>: the placement profile (waist, neck, wrist),
    /// the sample rate, the candidate stage (impact threshold, windows) and the logistic stage
    /// (weights over <see cref="FallFeatures"/>). <see cref="ForPlacement"/> returns the fitted
    /// profile; the detector copies the values at construction, so later changes do not
    /// affect a running detector.
    /// </summary>
    public sealed class FallDetectorOptions
    {
        private readonly string _placement;

        /// <summary>Creates options with neutral defaults for a placement; most callers want <see cref="ForPlacement"/>.</summary>
        public FallDetectorOptions(string placement)
        {
            _placement = placement;
            SampleRateHertz = 50;
            ImpactThresholdG = 1.6f;
            PreWindowMilliseconds = 2000;
            PostWindowStartMilliseconds = 800;
            PostWindowEndMilliseconds = 1800;
            RefractoryMilliseconds = 10000;
            UprightAxis = -1;
            SelfCalibratingUpright = false;
            Weights = new float[FallFeatures.Count];
            Bias = 0f;
            PostureTrigger = false;
            PostureMinimumAngleDegrees = 45;
            PostureStillActivity = 0.1f;
            PostureWeights = new float[PostureFeatures.Count];
            PostureBias = 0f;
            ColdWeights = null;
            ColdBias = 0f;
            ColdPostureWeights = null;
            ColdPostureBias = 0f;
        }

        /// <summary>"waist", "neck" or "wrist".</summary>
        public string Placement
        {
            get { return _placement; }
        }

        /// <summary>Accelerometer output rate; the windows below are converted to samples with it.</summary>
        public int SampleRateHertz { get; set; }

        /// <summary>|a| at or above this opens an impact candidate (compared squared, no square root).</summary>
        public float ImpactThresholdG { get; set; }

        /// <summary>How far before the impact peak the pre-impact features look (gravity, free fall, activity).</summary>
        public int PreWindowMilliseconds { get; set; }

        /// <summary>Start of the post-impact window (stillness, posture), after the peak.</summary>
        public int PostWindowStartMilliseconds { get; set; }

        /// <summary>End of the post-impact window; the decision is taken on this sample, so it bounds the latency.</summary>
        public int PostWindowEndMilliseconds { get; set; }

        /// <summary>After a detection, candidates are ignored for this long so one fall raises one alarm.</summary>
        public int RefractoryMilliseconds { get; set; }

        /// <summary>
        /// Optional fixed mounting hint: the device axis (0 = x, 1 = y, 2 = z) that points along
        /// the body when the wearer stands, sign-free. -1 (the default, and what the fitted
        /// profiles use) = not fixed: with <see cref="SelfCalibratingUpright"/> the detector
        /// learns the axis from walking, otherwise the upright features stay neutral. A value
        /// of 0..2 overrides the self-calibration (only for a known, fixed mounting).
        /// </summary>
        public int UprightAxis { get; set; }

        /// <summary>
        /// Learn the body axis on the device: the mean gravity direction while the wearer walks
        /// (<see cref="PostureTracker"/>), so the way the device is mounted does not matter.
        /// </summary>
        public bool SelfCalibratingUpright { get; set; }

        /// <summary>
        /// With <see cref="SelfCalibratingUpright"/>: learn the axis only from sustained gait, i.e. a
        /// walking-like half-second block that follows another one whose mean vector is within
        /// ~15 degrees (bending down and up, or a sit-to-stand, also pass the single-block test and
        /// pulled the axis off). Default false; the pendant's profile turns it on (issue 17).
        /// </summary>
        public bool SteadyGaitAxis { get; set; }

        /// <summary>
        /// Second, impact-free candidate: the trunk turns to a new, still orientation within
        /// about two seconds (<see cref="PostureTracker"/>), scored by <see cref="PostureWeights"/>.
        /// </summary>
        public bool PostureTrigger { get; set; }

        /// <summary>
        /// The math functions' runtime model for an evaluator (<see cref="IDetectorMath"/>); null = <c>System.Math</c>, what
        /// the device and the twin use. Not part of a profile.
        /// </summary>
        public IDetectorMath MathModel { get; set; }

        /// <summary>Smallest angle between the orientations before and after that opens a posture candidate.</summary>
        public int PostureMinimumAngleDegrees { get; set; }

        /// <summary>Largest relative activity (std of |a|^2 / mean |a|^2 per half second) that counts as still after the change.</summary>
        public float PostureStillActivity { get; set; }

        /// <summary>Logistic weights of a posture candidate, one per <see cref="PostureFeatures"/> index.</summary>
        public float[] PostureWeights { get; set; }

        /// <summary>Logistic bias of a posture candidate; a fall is a score at or above 0.</summary>
        public float PostureBias { get; set; }

        /// <summary>
        /// Impact weights used while the self-calibrated body axis is not known yet (less than 2 s
        /// of walking seen since start, e.g. just put on, or a wearer who does not walk): the
        /// upright features are then a neutral 0.5 and the warm <see cref="Weights"/>, fitted on
        /// a device that knows its axis, would misread them. Null = use <see cref="Weights"/>.
        /// </summary>
        public float[] ColdWeights { get; set; }

        /// <summary>Bias that goes with <see cref="ColdWeights"/>.</summary>
        public float ColdBias { get; set; }

        /// <summary>Posture weights while the body axis is not known yet; null = use <see cref="PostureWeights"/>.</summary>
        public float[] ColdPostureWeights { get; set; }

        /// <summary>Bias that goes with <see cref="ColdPostureWeights"/>.</summary>
        public float ColdPostureBias { get; set; }

        /// <summary>Logistic weights, one per <see cref="FallFeatures"/> index.</summary>
        public float[] Weights { get; set; }

        /// <summary>Logistic bias; the decision threshold is folded in, so a fall is a score at or above 0.</summary>
        public float Bias { get; set; }

        /// <summary>The fitted profile of a placement: "waist", "neck" or "wrist"; null for anything else.</summary>
        public static FallDetectorOptions ForPlacement(string placement)
        {
            if (placement == "waist")
            {
                return FallPlacementProfiles.Waist();
            }

            if (placement == "neck")
            {
                return FallPlacementProfiles.Neck();
            }

            if (placement == "wrist")
            {
                return FallPlacementProfiles.Wrist();
            }

            return null;
        }

        /// <summary>Null when the options are usable, otherwise the reason they are not.</summary>
        public string Validate()
        {
            if (SampleRateHertz < 10 || SampleRateHertz > 400)
            {
                return "SampleRateHertz must be 10..400";
            }

            if (ImpactThresholdG <= 1f || ImpactThresholdG > 16f)
            {
                return "ImpactThresholdG must be above 1 g and at most 16 g";
            }

            if (PreWindowMilliseconds < 1000 || PreWindowMilliseconds > 4000)
            {
                return "PreWindowMilliseconds must be 1000..4000";
            }

            if (PostWindowStartMilliseconds < 100 || PostWindowEndMilliseconds > 4000
                || PostWindowEndMilliseconds - PostWindowStartMilliseconds < 200)
            {
                return "post-impact window must lie in 100..4000 ms and last at least 200 ms";
            }

            if (RefractoryMilliseconds < PostWindowEndMilliseconds)
            {
                return "RefractoryMilliseconds must cover the post-impact window";
            }

            if (UprightAxis < -1 || UprightAxis > 2)
            {
                return "UprightAxis must be -1, 0, 1 or 2";
            }

            if (Weights == null || Weights.Length != FallFeatures.Count)
            {
                return "Weights must have one entry per feature";
            }

            for (int i = 0; i < Weights.Length; i++)
            {
                // Written as a range check: catches NaN and both infinities without float.IsNaN.
                if (!(Weights[i] > -1e30f && Weights[i] < 1e30f))
                {
                    return "Weights must be finite";
                }
            }

            if (!(Bias > -1e30f && Bias < 1e30f))
            {
                return "Bias must be finite";
            }

            if (ColdWeights != null && ColdWeights.Length != FallFeatures.Count)
            {
                return "ColdWeights must have one entry per feature";
            }

            if (ColdPostureWeights != null && ColdPostureWeights.Length != PostureFeatures.Count)
            {
                return "ColdPostureWeights must have one entry per posture feature";
            }

            if (PostureMinimumAngleDegrees < 10 || PostureMinimumAngleDegrees > 170)
            {
                return "PostureMinimumAngleDegrees must be 10..170";
            }

            if (!(PostureStillActivity > 0f && PostureStillActivity < 10f))
            {
                return "PostureStillActivity must be above 0 and below 10";
            }

            if (PostureWeights == null || PostureWeights.Length != PostureFeatures.Count)
            {
                return "PostureWeights must have one entry per posture feature";
            }

            for (int i = 0; i < PostureWeights.Length; i++)
            {
                if (!(PostureWeights[i] > -1e30f && PostureWeights[i] < 1e30f))
                {
                    return "PostureWeights must be finite";
                }
            }

            if (!(PostureBias > -1e30f && PostureBias < 1e30f))
            {
                return "PostureBias must be finite";
            }

            return null;
        }

        /// <summary>Milliseconds to a whole number of samples at <see cref="SampleRateHertz"/>.</summary>
        internal int ToSamples(int milliseconds)
        {
            return (int)(((long)milliseconds * SampleRateHertz + 500) / 1000);
        }

        /// <summary>Throws for options that cannot work: a wiring bug, not a runtime condition.</summary>
        internal void ThrowIfInvalid()
        {
            string reason = Validate();
            if (reason != null)
            {
                throw new ArgumentException(reason);
            }
        }
    }
}
