using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Geofence;
using Eldercare.Firmware.Core.Gnss;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Identity;
using Eldercare.Firmware.Core.Outbox;

namespace Eldercare.Firmware.Core.Apps
{
    /// <summary>
    /// Makes a wearable's events: the next sequence, the clock's time, the battery level on every event, the position
    /// on the geofence's, signal strength, firmware version and heartbeat period on heartbeats; then stores each in the outbox. One place,
    /// so every part of the app (alarms, geofence, wellness, battery) stamps its events the same way.
    /// </summary>
    public sealed class WearableEvents : IEventRaiser, IPositionEventRaiser
    {
        private readonly string _deviceId;
        private readonly string _firmwareVersion;
        private readonly EventSequencer _sequencer;
        private readonly PersistentOutbox _outbox;
        private readonly WearableHardware _hardware;

        public WearableEvents(string deviceId, string firmwareVersion, EventSequencer sequencer, PersistentOutbox outbox, WearableHardware hardware)
        {
            _deviceId = deviceId;
            _firmwareVersion = firmwareVersion;
            _sequencer = sequencer;
            _outbox = outbox;
            _hardware = hardware;
        }

        public int Raise(string type, int confidencePerMille, int referenceSequence, string info)
        {
            DeviceEvent e = NewEvent(type);
            e.ConfidencePerMille = confidencePerMille;
            e.ReferenceSequence = referenceSequence;
            e.Info = info;
            return Store(e);
        }

        public int RaiseWithPosition(string type, GnssFix fix, string info)
        {
            DeviceEvent e = NewEvent(type);
            e.Info = info;
            if (fix != null && fix.HasPosition)
            {
                e.LatitudeMicrodegrees = E7ToMicrodegrees(fix.LatitudeE7);
                e.LongitudeMicrodegrees = E7ToMicrodegrees(fix.LongitudeE7);
                e.HdopHundredths = fix.HdopHundredths > PositionFields.MaxHdopHundredths ? PositionFields.MaxHdopHundredths : fix.HdopHundredths;
                e.Satellites = fix.Satellites;
            }

            return Store(e);
        }

        /// <summary>A heartbeat: battery, signal strength (when a radio is fitted and connected), firmware version and
        /// the heartbeat period in force (<paramref name="heartbeatSeconds"/>, a configuration's once applied), so the
        /// gateway times this device's offline alarm from it.</summary>
        public int RaiseHeartbeat(int heartbeatSeconds)
        {
            DeviceEvent e = NewEvent(EventTypes.Heartbeat);
            e.FirmwareVersion = _firmwareVersion;
            e.HeartbeatSeconds = HeartbeatFields.PeriodOrNone(heartbeatSeconds);
            if (_hardware.Radio != null)
            {
                e.SignalDbm = HeartbeatFields.SignalOrNone(_hardware.Radio.ReadSignalDbm());
            }

            return Store(e);
        }

        private DeviceEvent NewEvent(string type)
        {
            int sequence = _sequencer.NextSequence();
            DeviceEvent e = new DeviceEvent(_deviceId, _sequencer.BootEpoch, sequence, type, _hardware.Clock.UtcNowUnixMilliseconds);
            e.BatteryPercent = ClampBattery(_hardware.Battery.ReadPercent());
            return e;
        }

        private int Store(DeviceEvent e)
        {
            return _outbox.Enqueue(e) ? e.Sequence : 0;
        }

        /// <summary>1e-7 to 1e-6 degree, rounded half away from zero.</summary>
        private static int E7ToMicrodegrees(int e7)
        {
            return e7 >= 0 ? (e7 + 5) / 10 : (e7 - 5) / 10;
        }

        private static int ClampBattery(int percent)
        {
            if (percent < 0)
            {
                return DeviceEvent.Absent;
            }

            return percent > 100 ? 100 : percent;
        }
    }
}
