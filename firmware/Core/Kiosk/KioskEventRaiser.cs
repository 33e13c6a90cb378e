using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Identity;
using Eldercare.Firmware.Core.Outbox;

namespace Eldercare.Firmware.Core.Kiosk
{
    /// <summary>Every event the kiosk makes (requests, check-ins, heartbeats, the configuration's reports): next seq, then the outbox.</summary>
    public sealed class KioskEventRaiser : IEventRaiser
    {
        private readonly string _deviceId;
        private readonly EventSequencer _sequencer;
        private readonly PersistentOutbox _outbox;
        private readonly IClock _clock;

        public KioskEventRaiser(string deviceId, EventSequencer sequencer, PersistentOutbox outbox, IClock clock)
        {
            _deviceId = deviceId;
            _sequencer = sequencer;
            _outbox = outbox;
            _clock = clock;
        }

        /// <summary>A check-in or a request (SOS, a 六助 service) with the session's card, or none; its seq, or 0 if not stored.</summary>
        public int RaiseRequest(string type, string card, string service)
        {
            DeviceEvent e = NewEvent(type);
            e.Card = card;
            e.Service = service;
            return Store(e);
        }

        /// <summary>A heartbeat: firmware version, signal strength (when a radio is fitted and connected) and the
        /// heartbeat period in force (a configuration's once applied); no battery (mains).</summary>
        public int RaiseHeartbeat(string firmwareVersion, IRadio radio, int heartbeatSeconds)
        {
            DeviceEvent e = NewEvent(EventTypes.Heartbeat);
            e.FirmwareVersion = firmwareVersion;
            e.HeartbeatSeconds = HeartbeatFields.PeriodOrNone(heartbeatSeconds);
            if (radio != null)
            {
                e.SignalDbm = HeartbeatFields.SignalOrNone(radio.ReadSignalDbm());
            }

            return Store(e);
        }

        public int Raise(string type, int confidencePerMille, int referenceSequence, string info)
        {
            DeviceEvent e = NewEvent(type);
            e.ConfidencePerMille = confidencePerMille;
            e.ReferenceSequence = referenceSequence;
            e.Info = info;
            return Store(e);
        }

        private DeviceEvent NewEvent(string type)
        {
            int sequence = _sequencer.NextSequence();
            return new DeviceEvent(_deviceId, _sequencer.BootEpoch, sequence, type, _clock.UtcNowUnixMilliseconds);
        }

        private int Store(DeviceEvent e)
        {
            return _outbox.Enqueue(e) ? e.Sequence : 0;
        }
    }
}
