namespace Eldercare.Firmware.Core.Apps
{
    /// <summary>Makes, stamps and stores a new event of this device (implemented by the app).</summary>
    public interface IEventRaiser
    {
        /// <summary>
        /// Creates an event with the next sequence, stores it in the outbox and returns its
        /// sequence, or 0 if it could not be stored. Optional values use DeviceEvent.Absent / null.
        /// </summary>
        int Raise(string type, int confidencePerMille, int referenceSequence, string info);
    }
}
