using System;

namespace Eldercare.Firmware.Core.Falls
{
    /// <summary>
    /// Streaming fall detector for a worn accelerometer: impact candidate
    /// (<see cref="FallFeatureExtractor"/>) -> thirteen features over the seconds around the
    /// impact -> logistic score with the placement's fitted weights (the cold set while the
    /// self-calibrated body axis is not known yet).
    /// A score at or above 0 confirms a fall; then a refractory period keeps the same event
    /// from raising a second alarm. No allocation per sample (see firmware/Core/Falls/README.md
    /// for the measured cost and scores).
    /// </summary>
    public sealed class FallDetector
    {
        private readonly FallFeatureExtractor _extractor;
        private readonly IDetectorMath _math;
        private readonly float[] _weights;
        private readonly float _bias;
        private readonly int _refractorySamples;
        private readonly int _sampleRateHertz;
        private readonly float[] _lastFeatures;
        private readonly float[] _postureWeights;
        private readonly float _postureBias;
        private readonly float[] _coldWeights;
        private readonly float _coldBias;
        private readonly float[] _coldPostureWeights;
        private readonly float _coldPostureBias;
        private readonly bool _learnsAxis;
        private readonly bool _postureTrigger;
        private bool _lastWasPosture;

        private long _refractoryUntilIndex;
        private int _lastConfidencePerMille;
        private long _lastDetectionSampleIndex;
        private long _lastImpactSampleIndex;
        private float _lastScore;
        private float _lastTiltDegrees;

        /// <summary>Creates a detector; throws <see cref="ArgumentException"/> for invalid options (a wiring bug).</summary>
        public FallDetector(FallDetectorOptions options)
        {
            if (options == null)
            {
                throw new ArgumentNullException("options");
            }

            _extractor = new FallFeatureExtractor(options);
            _math = options.MathModel;
            _weights = new float[FallFeatures.Count];
            for (int i = 0; i < _weights.Length; i++)
            {
                _weights[i] = options.Weights[i];
            }

            _bias = options.Bias;
            _coldWeights = CopyOf(options.ColdWeights != null ? options.ColdWeights : options.Weights);
            _coldBias = options.ColdWeights != null ? options.ColdBias : options.Bias;
            _coldPostureWeights = CopyOf(options.ColdPostureWeights != null ? options.ColdPostureWeights : options.PostureWeights);
            _coldPostureBias = options.ColdPostureWeights != null ? options.ColdPostureBias : options.PostureBias;
            _learnsAxis = options.SelfCalibratingUpright && options.UprightAxis < 0;
            _postureTrigger = options.PostureTrigger;
            _postureWeights = new float[PostureFeatures.Count];
            for (int i = 0; i < _postureWeights.Length; i++)
            {
                _postureWeights[i] = options.PostureWeights[i];
            }

            _postureBias = options.PostureBias;
            _sampleRateHertz = options.SampleRateHertz;
            _refractorySamples = options.ToSamples(options.RefractoryMilliseconds);
            _lastFeatures = new float[FallFeatures.Count];
            Reset();
        }

        private static float[] CopyOf(float[] source)
        {
            float[] copy = new float[source.Length];
            for (int i = 0; i < source.Length; i++)
            {
                copy[i] = source[i];
            }

            return copy;
        }

        /// <summary>Confidence of the last detection, 0..1000 (the logistic probability in per mille).</summary>
        public int LastConfidencePerMille
        {
            get { return _lastConfidencePerMille; }
        }

        /// <summary>Sample index (0-based since construction or Reset) of the last detection; -1 before any.</summary>
        public long LastDetectionSampleIndex
        {
            get { return _lastDetectionSampleIndex; }
        }

        /// <summary>Sample index of the impact peak that led to the last detection; -1 before any.</summary>
        public long LastImpactSampleIndex
        {
            get { return _lastImpactSampleIndex; }
        }

        /// <summary>Logistic score of the last detection (0 = decision threshold).</summary>
        public float LastScore
        {
            get { return _lastScore; }
        }

        /// <summary>Sample rate the detector was built for.</summary>
        public int SampleRateHertz
        {
            get { return _sampleRateHertz; }
        }

        /// <summary>Bytes of state (ring, weights, fields), for the cost report.</summary>
        public int StateBytes
        {
            get { return _extractor.StateBytes + (12 * FallFeatures.Count) + (8 * PostureFeatures.Count) + 84; }
        }

        /// <summary>Forgets all history; the next sample gets index 0.</summary>
        public void Reset()
        {
            _extractor.Reset();
            _refractoryUntilIndex = -1;
            _lastConfidencePerMille = 0;
            _lastDetectionSampleIndex = -1;
            _lastImpactSampleIndex = -1;
            _lastScore = 0f;
            _lastTiltDegrees = 0f;
            _lastWasPosture = false;
            for (int i = 0; i < _lastFeatures.Length; i++)
            {
                _lastFeatures[i] = 0f;
            }
        }

        /// <summary>Adds one sample in g (any axis orientation). True exactly on the sample where a fall is confirmed.</summary>
        public bool AddSample(float xG, float yG, float zG)
        {
            if (!_extractor.AddSample(xG, yG, zG))
            {
                return false;
            }

            long index = _extractor.SampleCount - 1;

            // Until the wearer has been seen walking, the body axis is unknown: the cold weights.
            bool cold = _learnsAxis && _extractor.Posture.AxisConfidence < 1f;
            if (_extractor.ImpactReady && _extractor.CandidatePeakIndex > _refractoryUntilIndex)
            {
                float[] features = _extractor.Features;
                float[] weights = cold ? _coldWeights : _weights;
                float score = cold ? _coldBias : _bias;
                for (int i = 0; i < features.Length; i++)
                {
                    score += weights[i] * features[i];
                }

                if (score >= 0f)
                {
                    Confirm(index, score, _extractor.CandidatePeakIndex, _extractor.CandidateTiltDegrees, features, false);
                    return true;
                }
            }

            PostureTracker posture = _extractor.Posture;
            if (_postureTrigger && _extractor.PostureReady && posture.CandidatePeakIndex > _refractoryUntilIndex)
            {
                float[] features = posture.Features;
                float[] weights = cold ? _coldPostureWeights : _postureWeights;
                float score = cold ? _coldPostureBias : _postureBias;
                for (int i = 0; i < features.Length; i++)
                {
                    score += weights[i] * features[i];
                }

                if (score >= 0f)
                {
                    Confirm(index, score, posture.CandidatePeakIndex, posture.CandidateTiltDegrees, features, true);
                    return true;
                }
            }

            return false;
        }

        private void Confirm(long index, float score, long peakIndex, float tiltDegrees, float[] features, bool posture)
        {
            _lastScore = score;
            _lastConfidencePerMille = ConfidencePerMille(score);
            _lastDetectionSampleIndex = index;
            _lastImpactSampleIndex = peakIndex;
            _lastTiltDegrees = tiltDegrees;
            _lastWasPosture = posture;
            _refractoryUntilIndex = index + _refractorySamples;
            for (int i = 0; i < _lastFeatures.Length; i++)
            {
                _lastFeatures[i] = i < features.Length ? features[i] : 0f;
            }
        }

        /// <summary>
        /// Short text of the features behind the last detection (at most 200 characters), e.g.
        /// "peak=4.21g;premin=0.35g;still=0.05g;tilt=78;conf=930". Allocates; call it on detection only.
        /// </summary>
        public string DescribeLastDetection()
        {
            if (_lastDetectionSampleIndex < 0)
            {
                return "none";
            }

            if (_lastWasPosture)
            {
                // Impact-free posture candidate: relative activity of the change and after it.
                return "trigger=posture"
                    + ";tilt=" + Fixed(_lastTiltDegrees, 0)
                    + ";move=" + Fixed((float)DetectorMath.Exp(_math, (double)_lastFeatures[PostureFeatures.TransitionActivityLog]) - 0.01f, 2)
                    + ";still=" + Fixed((float)DetectorMath.Exp(_math, (double)_lastFeatures[PostureFeatures.AfterActivityLog]) - 0.01f, 3)
                    + ";conf=" + _lastConfidencePerMille.ToString()
                    + ";lag=" + Fixed((_lastDetectionSampleIndex - _lastImpactSampleIndex) / (float)_sampleRateHertz, 2) + "s";
            }

            float postStd = (float)DetectorMath.Exp(_math, (double)_lastFeatures[FallFeatures.PostStandardDeviationLog]) - 0.01f;
            float peakG = (float)DetectorMath.Exp(_math, (double)_lastFeatures[FallFeatures.PeakG]);
            return "peak=" + Fixed(peakG, 2) + "g"
                + ";premin=" + Fixed(_lastFeatures[FallFeatures.PreMinimumG], 2) + "g"
                + ";still=" + Fixed(postStd, 3) + "g"
                + ";tilt=" + Fixed(_lastTiltDegrees, 0)
                + ";conf=" + _lastConfidencePerMille.ToString()
                + ";lag=" + Fixed((_lastDetectionSampleIndex - _lastImpactSampleIndex) / (float)_sampleRateHertz, 2) + "s";
        }

        private int ConfidencePerMille(float score)
        {
            double probability = 1.0 / (1.0 + DetectorMath.Exp(_math, -(double)score));
            int perMille = (int)((probability * 1000.0) + 0.5);
            return perMille > 1000 ? 1000 : (perMille < 0 ? 0 : perMille);
        }

        /// <summary>Fixed-point text without format strings, whose support differs on nanoFramework.</summary>
        private static string Fixed(float value, int decimals)
        {
            int scale = 1;
            for (int i = 0; i < decimals; i++)
            {
                scale *= 10;
            }

            bool negative = value < 0f;
            if (negative)
            {
                value = -value;
            }

            if (value > 1000000f)
            {
                value = 1000000f;
            }

            long scaled = (long)((value * scale) + 0.5f);
            long whole = scaled / scale;
            string text = (negative && scaled != 0 ? "-" : string.Empty) + whole.ToString();
            if (decimals > 0)
            {
                string fraction = (scaled % scale).ToString();
                while (fraction.Length < decimals)
                {
                    fraction = "0" + fraction;
                }

                text = text + "." + fraction;
            }

            return text;
        }
    }
}
