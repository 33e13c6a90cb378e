namespace Eldercare.Firmware.Core.Geofence
{
    /// <summary>A safe zone of a centre and a radius, measured in the equirectangular plane around the centre.</summary>
    public sealed class CircleZone : ISafeZone
    {
        private readonly LocalProjection _projection;

        public CircleZone(string name, int centreLatitudeE7, int centreLongitudeE7, float radiusMetres)
        {
            Name = name;
            CentreLatitudeE7 = centreLatitudeE7;
            CentreLongitudeE7 = centreLongitudeE7;
            RadiusMetres = radiusMetres;
            _projection = new LocalProjection(centreLatitudeE7, centreLongitudeE7);
        }

        public string Name { get; private set; }

        public int CentreLatitudeE7 { get; private set; }

        public int CentreLongitudeE7 { get; private set; }

        public float RadiusMetres { get; private set; }

        public float SignedDistanceMetres(int latitudeE7, int longitudeE7)
        {
            return _projection.DistanceMetres(latitudeE7, longitudeE7) - RadiusMetres;
        }

        public string Validate()
        {
            if (CentreLatitudeE7 < -900000000 || CentreLatitudeE7 > 900000000 || CentreLongitudeE7 < -1800000000 || CentreLongitudeE7 > 1800000000)
            {
                return "zone '" + Name + "': centre is not on the globe";
            }

            if (!(RadiusMetres >= GeofenceOptions.MinimumRadiusMetres) || RadiusMetres > GeofenceOptions.MaximumZoneSizeMetres)
            {
                return "zone '" + Name + "': radius must be " + ((int)GeofenceOptions.MinimumRadiusMetres).ToString() + ".." + ((int)GeofenceOptions.MaximumZoneSizeMetres).ToString() + " m";
            }

            return null;
        }
    }
}
