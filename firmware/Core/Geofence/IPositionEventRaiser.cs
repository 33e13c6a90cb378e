using Eldercare.Firmware.Core.Gnss;

namespace Eldercare.Firmware.Core.Geofence
{
    /// <summary>Makes, stamps and stores an event that carries a position (implemented by the app).</summary>
    public interface IPositionEventRaiser
    {
        /// <summary>
        /// Stores a new event of <paramref name="type"/> with the position, HDOP and satellites of
        /// <paramref name="fix"/> (none when null); returns its sequence, or 0 if it could not be stored.
        /// </summary>
        int RaiseWithPosition(string type, GnssFix fix, string info);
    }
}
