using System;

namespace Eldercare.Firmware.Core.Falls
{
    /// <summary>
    /// Half-second blocks of the accelerometer stream, for two jobs that need no impact:
    /// <list type="bullet">
    /// <item>the <b>self-calibrated body axis</b>: the mean gravity direction of the blocks that
    /// look like walking (|a| varies by 8..80 % around its mean while the mean vector keeps
    /// most of the magnitude, i.e. the device does not spin), averaged over the last few
    /// minutes. Walking is only done upright, so that direction is the trunk's (belt, pendant)
    /// or the hanging forearm's (watch) long axis in device coordinates, whatever way the device
    /// is mounted. Until two seconds of walking have been seen the axis is "unknown" and the
    /// upright cosines report a neutral 0.5;</item>
    /// <item>the <b>posture candidate</b> (optional): the mean vector of the last second is
    /// still and steady and points at least the configured angle away from the one 2.5..3.5 s
    /// earlier, so the trunk turned to a new orientation within two seconds and stayed there.
    /// Its <see cref="PostureFeatures"/> are then ready.</item>
    /// </list>
    /// Per sample: 4 adds, 2 multiplies, 2 compares. Per block (every 25 samples at 50 Hz): one
    /// square root and a few tens of float operations; per posture candidate about a hundred.
    /// No allocation after the constructor; 7 blocks of state.
    /// </summary>
    public sealed class PostureTracker
    {
        private const int BlockCount = 7;
        private const float WalkLowActivity = 0.08f;
        private const float WalkHighActivity = 0.8f;
        private const float SteadyCosineSquared = 0.933f; // cos 15 degrees, squared
        private const float AxisMaximumEvidence = 600f; // blocks: about 5 min of walking
        private const float AxisConfidentEvidence = 4f; // blocks: 2 s of walking
        private const float SteadyCosine = 0.97f; // the two after-blocks within about 14 degrees

        private readonly int _blockSamples;
        private readonly bool _calibrate;
        private readonly bool _trigger;
        private readonly float _triggerCosine;
        private readonly float _stillActivity;

        private readonly float[] _bx;
        private readonly float[] _by;
        private readonly float[] _bz;
        private readonly float[] _activity;
        private readonly float[] _maxSquared;
        private readonly long[] _maxIndex;
        private readonly float[] _features;

        private int _inBlock;
        private float _sumX;
        private float _sumY;
        private float _sumZ;
        private float _sumSquared;
        private float _sumFourth;
        private float _blockMaxSquared;
        private long _blockMaxIndex;
        private int _newest;
        private int _filled;
        private int _holdBlocks;
        private bool _lastBlockWalkLike;
        private readonly bool _steadyGait;

        private float _axisX;
        private float _axisY;
        private float _axisZ;
        private float _axisEvidence;
        private long _candidatePeakIndex;
        private float _candidateTiltDegrees;
        private readonly IDetectorMath _math;

        /// <summary>Creates the tracker from the options (block length from the sample rate).</summary>
        public PostureTracker(FallDetectorOptions options)
        {
            if (options == null)
            {
                throw new ArgumentNullException("options");
            }

            _math = options.MathModel;
            _blockSamples = options.ToSamples(500);
            _calibrate = options.SelfCalibratingUpright;
            _steadyGait = options.SteadyGaitAxis;
            _trigger = options.PostureTrigger;
            _triggerCosine = (float)DetectorMath.Cos(_math, options.PostureMinimumAngleDegrees * Math.PI / 180.0);
            _stillActivity = options.PostureStillActivity;
            _bx = new float[BlockCount];
            _by = new float[BlockCount];
            _bz = new float[BlockCount];
            _activity = new float[BlockCount];
            _maxSquared = new float[BlockCount];
            _maxIndex = new long[BlockCount];
            _features = new float[PostureFeatures.Count];
            Reset();
        }

        /// <summary>Features of the last posture candidate, indexed by <see cref="PostureFeatures"/>.</summary>
        public float[] Features
        {
            get { return _features; }
        }

        /// <summary>Sample index of the largest |a| during the last posture candidate's change.</summary>
        public long CandidatePeakIndex
        {
            get { return _candidatePeakIndex; }
        }

        /// <summary>Angle in degrees between the orientations before and after the last posture candidate.</summary>
        public float CandidateTiltDegrees
        {
            get { return _candidateTiltDegrees; }
        }

        /// <summary>0..1: how much walking the body-axis estimate rests on (1 = at least 2 s).</summary>
        public float AxisConfidence
        {
            get { return _axisEvidence >= AxisConfidentEvidence ? 1f : _axisEvidence / AxisConfidentEvidence; }
        }

        /// <summary>Bytes of state, for the cost report.</summary>
        public int StateBytes
        {
            get { return (BlockCount * ((5 * 4) + 8)) + (4 * PostureFeatures.Count) + 100; }
        }

        /// <summary>Forgets the blocks and the body axis.</summary>
        public void Reset()
        {
            StartBlock();
            _newest = BlockCount - 1;
            _filled = 0;
            _holdBlocks = 0;
            _lastBlockWalkLike = false;
            _axisX = 0f;
            _axisY = 0f;
            _axisZ = 0f;
            _axisEvidence = 0f;
            _candidatePeakIndex = -1;
            _candidateTiltDegrees = 0f;
            for (int i = 0; i < _features.Length; i++)
            {
                _features[i] = 0f;
            }
        }

        /// <summary>
        /// Adds one sample (g) with its squared magnitude; true when a posture candidate is
        /// ready in <see cref="Features"/> (only with <see cref="FallDetectorOptions.PostureTrigger"/>).
        /// </summary>
        public bool AddSample(float x, float y, float z, float squared, long index)
        {
            _sumX += x;
            _sumY += y;
            _sumZ += z;
            _sumSquared += squared;
            _sumFourth += squared * squared;
            if (squared > _blockMaxSquared)
            {
                _blockMaxSquared = squared;
                _blockMaxIndex = index;
            }

            _inBlock++;
            if (_inBlock < _blockSamples)
            {
                return false;
            }

            return CloseBlock();
        }

        /// <summary>
        /// |cos| of the angle between a vector and the body axis, blended toward a neutral 0.5
        /// while the axis rests on less than 2 s of walking; 0.5 when calibration is off.
        /// </summary>
        public float UprightCosine(float x, float y, float z)
        {
            float confidence = AxisConfidence;
            if (!_calibrate || confidence <= 0f)
            {
                return 0.5f;
            }

            float normSquared = ((x * x) + (y * y) + (z * z)) * ((_axisX * _axisX) + (_axisY * _axisY) + (_axisZ * _axisZ));
            if (normSquared < 1e-9f)
            {
                return 0.5f;
            }

            float cosine = ((x * _axisX) + (y * _axisY) + (z * _axisZ)) / (float)DetectorMath.Sqrt(_math, (double)normSquared);
            if (cosine < 0f)
            {
                cosine = -cosine;
            }

            if (cosine > 1f)
            {
                cosine = 1f;
            }

            return 0.5f + (confidence * (cosine - 0.5f));
        }

        private void StartBlock()
        {
            _inBlock = 0;
            _sumX = 0f;
            _sumY = 0f;
            _sumZ = 0f;
            _sumSquared = 0f;
            _sumFourth = 0f;
            _blockMaxSquared = -1f;
            _blockMaxIndex = -1;
        }

        private bool CloseBlock()
        {
            float n = _inBlock;
            float mx = _sumX / n;
            float my = _sumY / n;
            float mz = _sumZ / n;
            float meanSquared = _sumSquared / n;
            float variance = (_sumFourth / n) - (meanSquared * meanSquared);
            float activity = meanSquared > 1e-6f && variance > 0f ? (float)DetectorMath.Sqrt(_math, (double)variance) / meanSquared : 0f;

            _newest = _newest + 1 == BlockCount ? 0 : _newest + 1;
            _bx[_newest] = mx;
            _by[_newest] = my;
            _bz[_newest] = mz;
            _activity[_newest] = activity;
            _maxSquared[_newest] = _blockMaxSquared;
            _maxIndex[_newest] = _blockMaxIndex;
            if (_filled < BlockCount)
            {
                _filled++;
            }

            StartBlock();

            float vectorSquared = (mx * mx) + (my * my) + (mz * mz);
            bool walkLike = activity >= WalkLowActivity && activity <= WalkHighActivity
                && vectorSquared >= 0.7f * meanSquared && vectorSquared > 1e-6f;
            bool steady = walkLike && !_steadyGait;
            if (walkLike && _lastBlockWalkLike && _steadyGait)
            {
                // Gait is sustained: the previous block also looked like walking and its mean
                // vector is within ~15 degrees of this one (bending down and up is not).
                int previous = _newest == 0 ? BlockCount - 1 : _newest - 1;
                float px = _bx[previous];
                float py = _by[previous];
                float pz = _bz[previous];
                float dot = (mx * px) + (my * py) + (mz * pz);
                float previousSquared = (px * px) + (py * py) + (pz * pz);
                steady = dot > 0f && (dot * dot) >= SteadyCosineSquared * vectorSquared * previousSquared;
            }

            _lastBlockWalkLike = walkLike;
            if (_calibrate && steady)
            {
                // Running mean of unit gravity directions of walking blocks, forgetting slowly.
                float inverse = 1f / (float)DetectorMath.Sqrt(_math, (double)vectorSquared);
                float evidence = _axisEvidence + 1f;
                float keep = _axisEvidence / evidence;
                _axisX = (_axisX * keep) + (mx * inverse / evidence);
                _axisY = (_axisY * keep) + (my * inverse / evidence);
                _axisZ = (_axisZ * keep) + (mz * inverse / evidence);
                _axisEvidence = evidence > AxisMaximumEvidence ? AxisMaximumEvidence : evidence;
            }

            if (_holdBlocks > 0)
            {
                _holdBlocks--;
                return false;
            }

            if (!_trigger || _filled < BlockCount)
            {
                return false;
            }

            return CheckPosture();
        }

        /// <summary>Slot of the block <paramref name="age"/> blocks before the newest.</summary>
        private int Slot(int age)
        {
            int slot = _newest - age;
            return slot < 0 ? slot + BlockCount : slot;
        }

        private float Cosine(int a, int b)
        {
            return CosineOf(_bx[a], _by[a], _bz[a], _bx[b], _by[b], _bz[b]);
        }

        private float CosineOf(float ax, float ay, float az, float bx, float by, float bz)
        {
            float normSquared = ((ax * ax) + (ay * ay) + (az * az)) * ((bx * bx) + (by * by) + (bz * bz));
            if (normSquared < 1e-12f)
            {
                return 1f;
            }

            float cosine = ((ax * bx) + (ay * by) + (az * bz)) / (float)DetectorMath.Sqrt(_math, (double)normSquared);
            return cosine > 1f ? 1f : (cosine < -1f ? -1f : cosine);
        }

        private bool CheckPosture()
        {
            // Blocks by age: 0, 1 = after (last second); 2..4 = transition; 5, 6 = before.
            int a0 = Slot(0);
            int a1 = Slot(1);
            if (_activity[a0] > _stillActivity || _activity[a1] > _stillActivity || Cosine(a0, a1) < SteadyCosine)
            {
                return false;
            }

            int b5 = Slot(5);
            int b6 = Slot(6);
            float afterX = _bx[a0] + _bx[a1];
            float afterY = _by[a0] + _by[a1];
            float afterZ = _bz[a0] + _bz[a1];
            float beforeX = _bx[b5] + _bx[b6];
            float beforeY = _by[b5] + _by[b6];
            float beforeZ = _bz[b5] + _bz[b6];
            float cosine = CosineOf(beforeX, beforeY, beforeZ, afterX, afterY, afterZ);
            if (cosine > _triggerCosine)
            {
                return false;
            }

            float transition = 0f;
            float largestStep = 0f;
            float peakSquared = -1f;
            long peakIndex = -1;
            for (int age = 1; age <= 5; age++)
            {
                int slot = Slot(age);
                float step = 1f - Cosine(slot, Slot(age + 1));
                if (step > largestStep)
                {
                    largestStep = step;
                }

                if (age >= 2 && age <= 4)
                {
                    if (_activity[slot] > transition)
                    {
                        transition = _activity[slot];
                    }

                    if (_maxSquared[slot] > peakSquared)
                    {
                        peakSquared = _maxSquared[slot];
                        peakIndex = _maxIndex[slot];
                    }
                }
            }

            float after = _activity[a0] > _activity[a1] ? _activity[a0] : _activity[a1];
            float before = _activity[b5] > _activity[b6] ? _activity[b5] : _activity[b6];
            _features[PostureFeatures.TiltOneMinusCosine] = 1f - cosine;
            _features[PostureFeatures.TransitionActivityLog] = (float)DetectorMath.Log(_math, 0.01 + transition);
            _features[PostureFeatures.AfterActivityLog] = (float)DetectorMath.Log(_math, 0.01 + after);
            _features[PostureFeatures.BeforeActivityLog] = (float)DetectorMath.Log(_math, 0.01 + before);
            _features[PostureFeatures.LargestStep] = largestStep;
            _features[PostureFeatures.PreUprightCosine] = UprightCosine(beforeX, beforeY, beforeZ);
            _features[PostureFeatures.PostUprightCosine] = UprightCosine(afterX, afterY, afterZ);
            _candidatePeakIndex = peakIndex;
            _candidateTiltDegrees = (float)(DetectorMath.Acos(_math, (double)cosine) * 180.0 / Math.PI);

            // The same change must not trigger again from the next blocks.
            _holdBlocks = BlockCount - 2;
            return true;
        }
    }
}
