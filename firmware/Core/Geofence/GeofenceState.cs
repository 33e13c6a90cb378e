namespace Eldercare.Firmware.Core.Geofence
{
    /// <summary>Where the monitor believes the wearer is (integers: nanoFramework's Enum.ToString gives numbers).</summary>
    public static class GeofenceState
    {
        /// <summary>No good fix judged yet since start.</summary>
        public const int Unknown = 0;

        /// <summary>Inside a safe zone (confirmed by fixes beyond the return line).</summary>
        public const int Inside = 1;

        /// <summary>Outside every zone: the geofence alarm has been raised and no return confirmed yet.</summary>
        public const int Outside = 2;

        public static string NameOf(int state)
        {
            return state == Inside ? "inside" : state == Outside ? "outside" : "unknown";
        }
    }
}
