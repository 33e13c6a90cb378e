using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Geofence;
using Eldercare.Firmware.Core.Gnss;

namespace Eldercare.Firmware.Core.Apps
{
    /// <summary>
    /// The raiser the geofence and the wellness check use: stores their events like <see cref="WearableEvents"/> does and
    /// tells the <see cref="AlarmController"/> of each alarm among them, so a person's acknowledgement of a geofence or
    /// wellness alarm shows "help is coming" on the device too.
    /// </summary>
    public sealed class PassiveAlarmRaiser : IEventRaiser, IPositionEventRaiser
    {
        private readonly WearableEvents _events;
        private readonly AlarmController _alarms;

        public PassiveAlarmRaiser(WearableEvents events, AlarmController alarms)
        {
            _events = events;
            _alarms = alarms;
        }

        public int Raise(string type, int confidencePerMille, int referenceSequence, string info)
        {
            return Noted(type, _events.Raise(type, confidencePerMille, referenceSequence, info));
        }

        public int RaiseWithPosition(string type, GnssFix fix, string info)
        {
            return Noted(type, _events.RaiseWithPosition(type, fix, info));
        }

        private int Noted(string type, int sequence)
        {
            if (sequence > 0 && EventTypes.IsAcknowledgeable(type))
            {
                _alarms.OnPassiveAlarm(sequence);
            }

            return sequence;
        }
    }
}
