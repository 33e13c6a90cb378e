namespace Eldercare.Firmware.Core.Geofence
{
    /// <summary>An area where the wearer is safe (home, the community centre, a park): a circle or a polygon.</summary>
    public interface ISafeZone
    {
        /// <summary>Short name for events and logs ("home").</summary>
        string Name { get; }

        /// <summary>Metres from the zone's boundary: negative inside, positive outside. Coordinates in 1e-7 degree.</summary>
        float SignedDistanceMetres(int latitudeE7, int longitudeE7);

        /// <summary>Null when the zone is usable, else the problem in words.</summary>
        string Validate();
    }
}
