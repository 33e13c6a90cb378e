using System;

namespace Eldercare.Firmware.Core.Geofence
{
    /// <summary>
    /// Equirectangular projection around a reference point: metres east and north of it, in float (the device's
    /// native precision). Differences are taken in integer 1e-7 degree first, so the float only ever holds a few
    /// kilometres (24-bit mantissa: under 1 mm at 10 km) and never an absolute coordinate.
    /// <para>
    /// Error bound: against the great-circle distance on the same sphere (haversine), the only approximation is
    /// cos(latitude) taken at the reference instead of along the way, a relative error of about
    /// |dLatitude| x tan|latitude| / 2: under 0.1% within 2 km of the reference up to 75 degrees of latitude
    /// (0.2 m at a 200 m fence; checked by LocalProjectionTests). The sphere (mean radius 6,371,008.8 m) differs
    /// from WGS-84 by up to 0.5% in the north-south direction (1 m at 200 m). Both are far below the receivers'
    /// noise (5-40 m in the recorded logs) and the fence margin.
    /// </para>
    /// <para>Longitude differences wrap at +-180 degrees, so a zone across the antimeridian measures correctly.</para>
    /// </summary>
    public sealed class LocalProjection
    {
        /// <summary>Metres per 1e-7 degree of latitude on a sphere of the IUGG mean radius (6,371,008.8 m x pi / 180 / 1e7).</summary>
        public const float MetresPerE7 = 0.0111195080f;

        private const long HalfTurnE7 = 1800000000L;
        private const long FullTurnE7 = 3600000000L;

        private readonly int _latitudeE7;
        private readonly int _longitudeE7;
        private readonly float _eastMetresPerE7;

        public LocalProjection(int latitudeE7, int longitudeE7)
        {
            _latitudeE7 = latitudeE7;
            _longitudeE7 = longitudeE7;
            double latitudeRadians = latitudeE7 * 1e-7 * Math.PI / 180.0;
            _eastMetresPerE7 = MetresPerE7 * (float)Math.Cos(latitudeRadians);
        }

        public float EastMetres(int longitudeE7)
        {
            long difference = (long)longitudeE7 - _longitudeE7;
            if (difference > HalfTurnE7)
            {
                difference -= FullTurnE7;
            }
            else if (difference < -HalfTurnE7)
            {
                difference += FullTurnE7;
            }

            return difference * _eastMetresPerE7;
        }

        public float NorthMetres(int latitudeE7)
        {
            return ((long)latitudeE7 - _latitudeE7) * MetresPerE7;
        }

        /// <summary>Straight-line distance in the projection plane from the reference point.</summary>
        public float DistanceMetres(int latitudeE7, int longitudeE7)
        {
            float east = EastMetres(longitudeE7);
            float north = NorthMetres(latitudeE7);
            return (float)Math.Sqrt((double)((east * east) + (north * north)));
        }
    }
}
