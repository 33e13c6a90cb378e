namespace Eldercare.Firmware.Core.Geofence
{
    /// <summary>What one update of <see cref="GeofenceMonitor"/> decided; the caller turns it into an event.</summary>
    public static class GeofenceTransition
    {
        public const int None = 0;

        /// <summary>Outside every zone for the debounce time and the confirming fixes: raise the geofence alarm.</summary>
        public const int Exit = 1;

        /// <summary>Back inside a zone after an exit, confirmed the same way: raise the return event.</summary>
        public const int Return = 2;

        /// <summary>No good fix for <see cref="GeofenceOptions.NoPositionAfterMilliseconds"/>: report "no position", never an alarm.</summary>
        public const int NoPosition = 3;
    }
}
