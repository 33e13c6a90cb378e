using System;

namespace Eldercare.Firmware.Core.Wellness
{
    /// <summary>
    /// Cuts the accelerometer stream into one-second windows and measures each: how much the acceleration vector
    /// varies (<see cref="DeviationG"/>, the square root of the summed per-axis variance: orientation-free, and
    /// gravity drops out) and where gravity points (<see cref="MeanXG"/>..). Running sums, no buffer, no allocation:
    /// the per-sample cost is a few additions. Samples are shifted by the window's first one before summing, so
    /// float keeps the milli-g variances of a still device (a raw Σx² of ~50 would lose them).
    /// </summary>
    public sealed class MovementMeter
    {
        private readonly int _samplesPerWindow;
        private int _count;
        private float _originX, _originY, _originZ;
        private float _sumX, _sumY, _sumZ, _sumXX, _sumYY, _sumZZ;

        public MovementMeter(int samplesPerWindow)
        {
            _samplesPerWindow = samplesPerWindow;
        }

        /// <summary>Std of the acceleration vector over the last complete window, g (NaN if a sample was not a number).</summary>
        public float DeviationG { get; private set; }

        public float MeanXG { get; private set; }

        public float MeanYG { get; private set; }

        public float MeanZG { get; private set; }

        /// <summary>Adds one sample; true when it completed a window (the properties then describe it).</summary>
        public bool Add(float xG, float yG, float zG)
        {
            if (_count == 0)
            {
                _originX = xG;
                _originY = yG;
                _originZ = zG;
                _sumX = _sumY = _sumZ = _sumXX = _sumYY = _sumZZ = 0f;
            }

            float dx = xG - _originX;
            float dy = yG - _originY;
            float dz = zG - _originZ;
            _sumX += dx;
            _sumY += dy;
            _sumZ += dz;
            _sumXX += dx * dx;
            _sumYY += dy * dy;
            _sumZZ += dz * dz;
            _count++;
            if (_count < _samplesPerWindow)
            {
                return false;
            }

            float n = _count;
            float meanX = _sumX / n, meanY = _sumY / n, meanZ = _sumZ / n;
            float variance = (_sumXX / n) - (meanX * meanX) + (_sumYY / n) - (meanY * meanY) + (_sumZZ / n) - (meanZ * meanZ);
            if (variance > 0f)
            {
                DeviationG = (float)Math.Sqrt(variance);
            }
            else
            {
                // A tiny negative variance is rounding (a perfectly still window); NaN stays NaN (a sample was not a number).
                DeviationG = variance <= 0f ? 0f : float.NaN;
            }

            MeanXG = _originX + meanX;
            MeanYG = _originY + meanY;
            MeanZG = _originZ + meanZ;
            _count = 0;
            return true;
        }
    }
}
