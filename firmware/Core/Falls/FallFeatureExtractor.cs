// Size (~440 lines): one job, a candidate's features; the ring and the once-per-candidate scans that read it belong together; splitting them would expose the ring.
using System;

namespace Eldercare.Firmware.Core.Falls
{
    /// <summary>
    /// The streaming candidate stage of the fall detector. Every sample goes into a ring of
    /// milli-g values; an |a| at or above the impact threshold opens a candidate whose peak
    /// moves to any larger |a| until the decision sample (peak + post-window end). On that
    /// sample the <see cref="FallFeatures"/> are computed from the ring and
    /// <see cref="AddSample"/> returns true. Per sample this costs one squared magnitude, two
    /// comparisons and three stores; the features (a few hundred operations) are computed
    /// only once per candidate. Nothing is allocated after the constructor.
    /// The host tools drive this class directly to collect training features, so training
    /// and the device see exactly the same numbers.
    /// </summary>
    public sealed class FallFeatureExtractor
    {
        private const float MilliGPerG = 1000f;
        private const float MaximumMilliG = 32000f;

        private readonly short[] _x;
        private readonly short[] _y;
        private readonly short[] _z;
        private readonly int _capacity;
        private readonly float _thresholdSquared;
        private readonly float _rateHertz;
        private readonly int _preSamples;
        private readonly int _postStartSamples;
        private readonly int _postEndSamples;
        private readonly int _impactHalfSamples;
        private readonly float[] _features;
        private readonly int _uprightAxis;
        private readonly PostureTracker _posture;
        private bool _impactReady;
        private bool _postureReady;

        private long _sampleIndex;
        private int _slot;
        private long _peakIndex;
        private float _peakSquared;
        private long _decisionIndex;
        private long _candidatePeakIndex;
        private float _tiltDegrees;

        // Results of the last Scan (fields instead of out parameters keep the signatures short).
        private int _scanCount;
        private float _scanMean;
        private float _scanStandardDeviation;
        private float _scanMinimum;
        private float _scanMaximum;
        private float _scanExcess;
        private float _scanMeanX;
        private float _scanMeanY;
        private float _scanMeanZ;
        private float _scanVectorVariance;

        private readonly IDetectorMath _math;

        /// <summary>Allocates the ring (pre window + post window at the options' rate) and the feature array.</summary>
        public FallFeatureExtractor(FallDetectorOptions options)
        {
            if (options == null)
            {
                throw new ArgumentNullException("options");
            }

            options.ThrowIfInvalid();
            _math = options.MathModel;
            _rateHertz = options.SampleRateHertz;
            _thresholdSquared = options.ImpactThresholdG * options.ImpactThresholdG;
            _preSamples = options.ToSamples(options.PreWindowMilliseconds);
            _postStartSamples = options.ToSamples(options.PostWindowStartMilliseconds);
            _postEndSamples = options.ToSamples(options.PostWindowEndMilliseconds);
            _impactHalfSamples = options.ToSamples(300);
            _uprightAxis = options.UprightAxis;
            _capacity = _preSamples + _postEndSamples + 2;
            _x = new short[_capacity];
            _y = new short[_capacity];
            _z = new short[_capacity];
            _features = new float[FallFeatures.Count];
            _posture = new PostureTracker(options);
            Reset();
        }

        /// <summary>Block statistics, self-calibrated body axis and posture candidates.</summary>
        public PostureTracker Posture
        {
            get { return _posture; }
        }

        /// <summary>True when the sample just added completed an impact candidate (<see cref="Features"/> ready).</summary>
        public bool ImpactReady
        {
            get { return _impactReady; }
        }

        /// <summary>True when the sample just added completed a posture candidate (<see cref="PostureTracker.Features"/> ready).</summary>
        public bool PostureReady
        {
            get { return _postureReady; }
        }

        /// <summary>Features of the last candidate, indexed by <see cref="FallFeatures"/>. Overwritten by the next candidate.</summary>
        public float[] Features
        {
            get { return _features; }
        }

        /// <summary>Sample index of the impact peak of the last candidate.</summary>
        public long CandidatePeakIndex
        {
            get { return _candidatePeakIndex; }
        }

        /// <summary>Angle in degrees between the pre- and post-impact gravity estimates of the last candidate.</summary>
        public float CandidateTiltDegrees
        {
            get { return _tiltDegrees; }
        }

        /// <summary>Index the next sample will get (= samples seen since construction or Reset).</summary>
        public long SampleCount
        {
            get { return _sampleIndex; }
        }

        /// <summary>Bytes of state this instance holds (arrays and fields), for the cost report.</summary>
        public int StateBytes
        {
            get { return (3 * 2 * _capacity) + (4 * FallFeatures.Count) + 160 + _posture.StateBytes; }
        }

        /// <summary>Forgets everything; the next sample gets index 0.</summary>
        public void Reset()
        {
            _sampleIndex = 0;
            _slot = 0;
            _peakIndex = -1;
            _peakSquared = 0f;
            _decisionIndex = -1;
            _candidatePeakIndex = -1;
            _tiltDegrees = 0f;
            _impactReady = false;
            _postureReady = false;
            _posture.Reset();
            for (int i = 0; i < _features.Length; i++)
            {
                _features[i] = 0f;
            }
        }

        /// <summary>
        /// Adds one sample in g. Returns true on a sample that completed a candidate: an impact
        /// candidate (<see cref="ImpactReady"/>, features in <see cref="Features"/>) and/or a
        /// posture candidate (<see cref="PostureReady"/>); that sample is index <see cref="SampleCount"/> - 1.
        /// </summary>
        public bool AddSample(float xG, float yG, float zG)
        {
            long index = _sampleIndex;
            _sampleIndex = index + 1;
            _x[_slot] = ToMilliG(xG);
            _y[_slot] = ToMilliG(yG);
            _z[_slot] = ToMilliG(zG);
            _slot++;
            if (_slot == _capacity)
            {
                _slot = 0;
            }

            float squared = (xG * xG) + (yG * yG) + (zG * zG);
            _postureReady = _posture.AddSample(xG, yG, zG, squared, index);
            _impactReady = false;
            if (squared >= _thresholdSquared && (_peakIndex < 0 || squared > _peakSquared))
            {
                // A larger |a| before the decision re-anchors the candidate: a fall often
                // hits twice (hands, then hip), and the features belong to the hardest hit.
                _peakIndex = index;
                _peakSquared = squared;
                _decisionIndex = index + _postEndSamples;
            }

            if (_peakIndex < 0 || index != _decisionIndex)
            {
                return _postureReady;
            }

            ComputeFeatures(index);
            _candidatePeakIndex = _peakIndex;
            _peakIndex = -1;
            _impactReady = true;
            return true;
        }

        private static short ToMilliG(float g)
        {
            float milliG = g * MilliGPerG;
            if (milliG > MaximumMilliG)
            {
                milliG = MaximumMilliG;
            }
            else if (milliG < -MaximumMilliG)
            {
                milliG = -MaximumMilliG;
            }

            return (short)(milliG >= 0f ? milliG + 0.5f : milliG - 0.5f);
        }

        private void ComputeFeatures(long now)
        {
            long peak = _peakIndex;
            float peakG = (float)DetectorMath.Sqrt(_math, (double)_peakSquared);
            long oldest = now - _capacity + 1;
            if (oldest < 0)
            {
                oldest = 0;
            }

            long half = _preSamples / 2;

            // Gravity and activity before the event: [peak - pre, peak - pre/2).
            Scan(Max(oldest, peak - _preSamples), peak - half);
            bool havePre = _scanCount > 0;
            float preStd = havePre ? _scanStandardDeviation : 0f;
            float preX = _scanMeanX;
            float preY = _scanMeanY;
            float preZ = _scanMeanZ;

            // Free fall: [peak - pre/2, peak).
            Scan(Max(oldest, peak - half), peak);
            float preMin = _scanCount > 0 ? _scanMinimum : 1f;
            float preVelocity = _scanCount > 0 ? (_scanMean - 1f) * _scanCount / _rateHertz : 0f;
            if (!havePre && _scanCount > 0)
            {
                preX = _scanMeanX;
                preY = _scanMeanY;
                preZ = _scanMeanZ;
                havePre = true;
            }

            // Earlier peaks: [peak - pre, peak - impact half-width).
            Scan(Max(oldest, peak - _preSamples), peak - _impactHalfSamples);
            float preRatio = _scanCount > 0 ? _scanMaximum / peakG : 0f;

            // The impact itself: [peak - half-width, peak + half-width].
            Scan(Max(oldest, peak - _impactHalfSamples), peak + _impactHalfSamples + 1);
            float impactArea = _scanExcess / _rateHertz;

            // After the impact: [peak + post start, peak + post end] (= now).
            Scan(peak + _postStartSamples, now + 1);
            float postStd = _scanStandardDeviation;
            float postMeanDeviation = _scanMean - 1f;
            if (postMeanDeviation < 0f)
            {
                postMeanDeviation = -postMeanDeviation;
            }

            float preUpright = UprightCosine(preX, preY, preZ);
            float postUpright = UprightCosine(_scanMeanX, _scanMeanY, _scanMeanZ);
            float tilt = 0f;
            _tiltDegrees = 0f;
            if (havePre)
            {
                float dot = (preX * _scanMeanX) + (preY * _scanMeanY) + (preZ * _scanMeanZ);
                float normSquared = ((preX * preX) + (preY * preY) + (preZ * preZ))
                    * ((_scanMeanX * _scanMeanX) + (_scanMeanY * _scanMeanY) + (_scanMeanZ * _scanMeanZ));
                if (normSquared > 1e-6f)
                {
                    float cosine = dot / (float)DetectorMath.Sqrt(_math, (double)normSquared);
                    if (cosine > 1f)
                    {
                        cosine = 1f;
                    }
                    else if (cosine < -1f)
                    {
                        cosine = -1f;
                    }

                    tilt = 1f - cosine;
                    _tiltDegrees = (float)(DetectorMath.Acos(_math, (double)cosine) * 180.0 / Math.PI);
                }
            }

            _features[FallFeatures.PeakG] = (float)DetectorMath.Log(_math, (double)peakG);
            _features[FallFeatures.PreMinimumG] = preMin;
            _features[FallFeatures.PreVelocityGSeconds] = preVelocity;
            _features[FallFeatures.PreStandardDeviationG] = preStd;
            _features[FallFeatures.PrePeakRatio] = preRatio;
            _features[FallFeatures.PostStandardDeviationLog] = (float)DetectorMath.Log(_math, 0.01 + postStd);
            _features[FallFeatures.PostVectorVarianceLog] = (float)DetectorMath.Log(_math, 0.0001 + _scanVectorVariance);
            _features[FallFeatures.PostMeanDeviationG] = postMeanDeviation;
            _features[FallFeatures.TiltOneMinusCosine] = tilt;
            _features[FallFeatures.ImpactAreaGSeconds] = (float)DetectorMath.Log(_math, 0.01 + impactArea);
            _features[FallFeatures.PreUprightCosine] = preUpright;
            _features[FallFeatures.PostUprightCosine] = postUpright;
            _features[FallFeatures.RepetitionsLog] = (float)DetectorMath.Log(_math, 1.0 + CountRepetitions(Max(oldest, peak - _preSamples), now + 1, peak, peakG));
        }

        /// <summary>
        /// Hits in [from, to) other than the impact (its +/- 0.3 s are skipped): |a| rising above
        /// 1 g + 40 % of the impact's excess after it fell below 1 g + 15 % of it. Squared
        /// magnitudes, no square root; at most ~190 samples once per candidate.
        /// </summary>
        private int CountRepetitions(long from, long to, long peak, float peakG)
        {
            float excess = peakG - 1f;
            float high = 1f + (0.4f * excess);
            float low = 1f + (0.15f * excess);
            float highSquared = high * high;
            float lowSquared = low * low;
            int hits = 0;
            bool armed = false;
            for (long j = from; j < to; j++)
            {
                if (j >= peak - _impactHalfSamples && j <= peak + _impactHalfSamples)
                {
                    armed = false;
                    continue;
                }

                int slot = (int)(j % _capacity);
                float x = _x[slot] / MilliGPerG;
                float y = _y[slot] / MilliGPerG;
                float z = _z[slot] / MilliGPerG;
                float squared = (x * x) + (y * y) + (z * z);
                if (squared < lowSquared)
                {
                    armed = true;
                }
                else if (armed && squared > highSquared)
                {
                    hits++;
                    armed = false;
                }
            }

            return hits;
        }

        private float UprightCosine(float x, float y, float z)
        {
            if (_uprightAxis < 0)
            {
                // Self-calibrated body axis (0.5 when calibration is off or has not seen walking).
                return _posture.UprightCosine(x, y, z);
            }

            float normSquared = (x * x) + (y * y) + (z * z);
            if (normSquared < 1e-6f)
            {
                return 0.5f;
            }

            float along = _uprightAxis == 0 ? x : (_uprightAxis == 1 ? y : z);
            if (along < 0f)
            {
                along = -along;
            }

            return along / (float)DetectorMath.Sqrt(_math, (double)normSquared);
        }

        private static long Max(long a, long b)
        {
            return a > b ? a : b;
        }

        /// <summary>Statistics of |a| and of the vector over sample indices [from, to) still in the ring.</summary>
        private void Scan(long from, long to)
        {
            int count = 0;
            float sum = 0f;
            float sumSquares = 0f;
            float minimum = 1000f;
            float maximum = 0f;
            float excess = 0f;
            float sumX = 0f;
            float sumY = 0f;
            float sumZ = 0f;
            for (long j = from; j < to; j++)
            {
                int slot = (int)(j % _capacity);
                float x = _x[slot] / MilliGPerG;
                float y = _y[slot] / MilliGPerG;
                float z = _z[slot] / MilliGPerG;
                float squared = (x * x) + (y * y) + (z * z);
                float magnitude = (float)DetectorMath.Sqrt(_math, (double)squared);
                count++;
                sum += magnitude;
                sumSquares += squared;
                sumX += x;
                sumY += y;
                sumZ += z;
                if (magnitude < minimum)
                {
                    minimum = magnitude;
                }

                if (magnitude > maximum)
                {
                    maximum = magnitude;
                }

                if (magnitude > 1f)
                {
                    excess += magnitude - 1f;
                }
            }

            _scanCount = count;
            if (count == 0)
            {
                _scanMean = 1f;
                _scanStandardDeviation = 0f;
                _scanMinimum = 1f;
                _scanMaximum = 1f;
                _scanExcess = 0f;
                _scanMeanX = 0f;
                _scanMeanY = 0f;
                _scanMeanZ = 0f;
                _scanVectorVariance = 0f;
                return;
            }

            float mean = sum / count;
            float variance = (sumSquares / count) - (mean * mean);
            _scanMean = mean;
            _scanStandardDeviation = variance > 0f ? (float)DetectorMath.Sqrt(_math, (double)variance) : 0f;
            _scanMinimum = minimum;
            _scanMaximum = maximum;
            _scanExcess = excess;
            _scanMeanX = sumX / count;
            _scanMeanY = sumY / count;
            _scanMeanZ = sumZ / count;
            float vectorVariance = (sumSquares / count)
                - ((_scanMeanX * _scanMeanX) + (_scanMeanY * _scanMeanY) + (_scanMeanZ * _scanMeanZ));
            _scanVectorVariance = vectorVariance > 0f ? vectorVariance : 0f;
        }
    }
}
