using System;

namespace Eldercare.Firmware.Core.Geofence
{
    /// <summary>
    /// A safe zone bounded by a simple polygon (a street block, an L-shaped compound), vertices in order, concave
    /// allowed. Vertices are projected once around the first vertex; a position is inside by the even-odd rule
    /// and its distance is the exact distance to the nearest edge in that plane, so a concave corner measures the
    /// same as any other boundary point.
    /// </summary>
    public sealed class PolygonZone : ISafeZone
    {
        /// <summary>Enough for a block outline; bounds the work per fix (two multiplications and a division per edge).</summary>
        public const int MaxVertices = 32;

        private readonly LocalProjection _projection;
        private readonly float[] _east;
        private readonly float[] _north;
        private readonly int _vertexCount;
        private readonly bool _onGlobe;

        public PolygonZone(string name, int[] latitudesE7, int[] longitudesE7)
        {
            Name = name;
            _vertexCount = latitudesE7 == null || longitudesE7 == null || latitudesE7.Length != longitudesE7.Length ? 0 : latitudesE7.Length;
            _east = new float[_vertexCount];
            _north = new float[_vertexCount];
            _onGlobe = true;
            _projection = new LocalProjection(_vertexCount > 0 ? latitudesE7[0] : 0, _vertexCount > 0 ? longitudesE7[0] : 0);
            for (int i = 0; i < _vertexCount; i++)
            {
                _onGlobe &= latitudesE7[i] >= -900000000 && latitudesE7[i] <= 900000000 && longitudesE7[i] >= -1800000000 && longitudesE7[i] <= 1800000000;
                _east[i] = _projection.EastMetres(longitudesE7[i]);
                _north[i] = _projection.NorthMetres(latitudesE7[i]);
            }
        }

        public string Name { get; private set; }

        public int VertexCount
        {
            get { return _vertexCount; }
        }

        public float SignedDistanceMetres(int latitudeE7, int longitudeE7)
        {
            float x = _projection.EastMetres(longitudeE7);
            float y = _projection.NorthMetres(latitudeE7);
            bool inside = false;
            float nearestSquared = float.MaxValue;
            for (int i = 0, j = _vertexCount - 1; i < _vertexCount; j = i++)
            {
                float xi = _east[i], yi = _north[i], xj = _east[j], yj = _north[j];
                if ((yi > y) != (yj > y) && x < ((xj - xi) * (y - yi) / (yj - yi)) + xi)
                {
                    inside = !inside;
                }

                float squared = SegmentDistanceSquared(x, y, xi, yi, xj, yj);
                if (squared < nearestSquared)
                {
                    nearestSquared = squared;
                }
            }

            float distance = (float)Math.Sqrt((double)nearestSquared);
            return inside ? -distance : distance;
        }

        /// <summary>Area in square metres (shoelace), for validation.</summary>
        public float AreaSquareMetres()
        {
            float twice = 0f;
            for (int i = 0, j = _vertexCount - 1; i < _vertexCount; j = i++)
            {
                twice += (_east[j] * _north[i]) - (_east[i] * _north[j]);
            }

            return twice < 0 ? -twice / 2f : twice / 2f;
        }

        public string Validate()
        {
            if (_vertexCount < 3 || _vertexCount > MaxVertices)
            {
                return "zone '" + Name + "': a polygon needs 3.." + MaxVertices.ToString() + " vertices with as many latitudes as longitudes";
            }

            if (!_onGlobe)
            {
                return "zone '" + Name + "': a vertex is not on the globe";
            }

            for (int i = 0; i < _vertexCount; i++)
            {
                float east = _east[i] < 0 ? -_east[i] : _east[i];
                float north = _north[i] < 0 ? -_north[i] : _north[i];
                if (east > GeofenceOptions.MaximumZoneSizeMetres || north > GeofenceOptions.MaximumZoneSizeMetres)
                {
                    return "zone '" + Name + "': wider than " + ((int)GeofenceOptions.MaximumZoneSizeMetres).ToString() + " m (the flat-earth distance is only checked that far)";
                }
            }

            // As large as the smallest circle allowed: a smaller zone puts every fix within a few noise radii of its edge.
            float minimumArea = 3.14159265f * GeofenceOptions.MinimumRadiusMetres * GeofenceOptions.MinimumRadiusMetres;
            if (AreaSquareMetres() < minimumArea)
            {
                return "zone '" + Name + "': a polygon must cover at least " + ((int)minimumArea).ToString() + " m2 (a circle of the minimum radius)";
            }

            return null;
        }

        private static float SegmentDistanceSquared(float x, float y, float ax, float ay, float bx, float by)
        {
            float dx = bx - ax;
            float dy = by - ay;
            float lengthSquared = (dx * dx) + (dy * dy);
            float t = lengthSquared > 0f ? (((x - ax) * dx) + ((y - ay) * dy)) / lengthSquared : 0f;
            if (t < 0f)
            {
                t = 0f;
            }
            else if (t > 1f)
            {
                t = 1f;
            }

            float ex = ax + (t * dx) - x;
            float ey = ay + (t * dy) - y;
            return (ex * ex) + (ey * ey);
        }
    }
}
