using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Identity;
using Eldercare.Firmware.Core.Outbox;

namespace Eldercare.Firmware.Core.Kiosk
{
    /// <summary>The kiosk's events that are not requests (heartbeats, the configuration's reports): next seq, outbox, as the requests.</summary>
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

        /// <summary>A heartbeat: firmware version and signal strength (when a radio is fitted and connected); no battery (mains).</summary>
        public int RaiseHeartbeat(string firmwareVersion, IRadio radio)
        {
            int sequence = _sequencer.NextSequence();
            DeviceEvent e = new DeviceEvent(_deviceId, _sequencer.BootEpoch, sequence, EventTypes.Heartbeat, _clock.UtcNowUnixMilliseconds);
            e.FirmwareVersion = firmwareVersion;
            if (radio != null)
            {
                int signal = radio.ReadSignalDbm();
                if (signal >= HeartbeatFields.MinSignalDbm && signal <= HeartbeatFields.MaxSignalDbm)
                {
                    e.SignalDbm = signal;
                }
            }

            return _outbox.Enqueue(e) ? sequence : 0;
        }

        public int Raise(string type, int confidencePerMille, int referenceSequence, string info)
        {
            int sequence = _sequencer.NextSequence();
            DeviceEvent e = new DeviceEvent(_deviceId, _sequencer.BootEpoch, sequence, type, _clock.UtcNowUnixMilliseconds);
            e.ConfidencePerMille = confidencePerMille;
            e.ReferenceSequence = referenceSequence;
            e.Info = info;
            return _outbox.Enqueue(e) ? sequence : 0;
        }
    }
}
