using Eldercare.Firmware.Core.Commands;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Falls;
using Eldercare.Firmware.Core.Geofence;
using Eldercare.Firmware.Core.Gnss;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Identity;
using Eldercare.Firmware.Core.Outbox;
using Eldercare.Firmware.Core.Sos;

namespace Eldercare.Firmware.Core.Apps
{
    /// <summary>
    /// The pendant / watch application: SOS button, alarms, heartbeats with battery level,
    /// the geofence when a GNSS module is fitted, the persistent outbox and its sender, and the commands the gateway
    /// sends back ("help is coming"). One logic for the ESP32 and the host twin:
    /// the caller drives it with <see cref="Tick"/> every 10-20 ms on one thread.
    /// </summary>
    public sealed class WearableApp : IEventRaiser, IPositionEventRaiser
    {
        private readonly WearableOptions _options;
        private readonly WearableHardware _hardware;
        private readonly EventSequencer _sequencer;
        private readonly PersistentOutbox _outbox;
        private readonly OutboxSender _sender;
        private readonly SosButton _button;
        private readonly AlarmController _alarms;
        private readonly FallDetector _fallDetector;
        private readonly string _commandTopic;
        private readonly GeofenceWatcher _geofence;
        private readonly int _samplePeriodMilliseconds;
        private long _nextSampleMilliseconds;
        private long _nextHeartbeatMilliseconds;
        private bool _started;

        public WearableApp(WearableOptions options, WearableHardware hardware)
        {
            _options = options;
            _hardware = hardware;
            _sequencer = new EventSequencer(hardware.Storage, hardware.Clock);
            _outbox = new PersistentOutbox(hardware.Storage, options.Outbox);
            _sender = new OutboxSender(_outbox, hardware.Link, Topics.Events(options.DeviceId), options.AckTimeoutMilliseconds);
            _button = new SosButton(options.Button);
            _alarms = new AlarmController(this, hardware.Indicator, options.CancelWindowMilliseconds, options.HelpReminderSeconds * 1000);
            _commandTopic = Topics.Commands(options.DeviceId);
            _sender.Delivered += OnDelivered;
            hardware.Link.MessageReceived += OnMessageReceived;
            if (hardware.Accelerometer != null)
            {
                FallDetectorOptions profile = FallDetectorOptions.ForPlacement(options.Placement);
                if (profile != null)
                {
                    _fallDetector = new FallDetector(profile);
                    _samplePeriodMilliseconds = 1000 / profile.SampleRateHertz;
                }
            }

            if (hardware.Gnss != null && options.Geofence != null)
            {
                _geofence = new GeofenceWatcher(options.Geofence, hardware.Gnss, this);
            }
        }

        /// <summary>Raised (on the MQTT thread) when the gateway acknowledged one of this device's events.</summary>
        public event EntryDeliveredEventHandler Delivered;

        public string DeviceId
        {
            get { return _options.DeviceId; }
        }

        public int BootEpoch
        {
            get { return _sequencer.BootEpoch; }
        }

        public PersistentOutbox Outbox
        {
            get { return _outbox; }
        }

        public OutboxSender Sender
        {
            get { return _sender; }
        }

        public AlarmController Alarms
        {
            get { return _alarms; }
        }

        /// <summary>True when an accelerometer is fitted and the placement has a detector profile.</summary>
        public bool DetectsFalls
        {
            get { return _fallDetector != null; }
        }

        /// <summary>The geofence (GNSS parser and monitor), or null without a GNSS module or zones.</summary>
        public GeofenceWatcher Geofence
        {
            get { return _geofence; }
        }

        /// <summary>Accelerometer reads that failed (I2C NACK), since start.</summary>
        public int AccelerometerFailureCount { get; private set; }

        /// <summary>Downlinks refused since start (not a valid command, not this device's); <see cref="LastCommandRejection"/> says why.</summary>
        public int CommandsRejected { get; private set; }

        /// <summary>The reason and detail of the last refused downlink, or null.</summary>
        public string LastCommandRejection { get; private set; }

        /// <summary>Sample slots skipped because the loop fell behind, since start.</summary>
        public int SkippedSampleCount { get; private set; }

        /// <summary>
        /// Bumps the boot epoch, reloads the outbox left by the last run and queues the first
        /// heartbeat. Returns false (and shows a fault) if the options are invalid or the
        /// boot epoch could not be saved; the app still runs in the second case.
        /// </summary>
        public bool Start()
        {
            string problem = _options.Validate();
            if (problem != null)
            {
                _hardware.Indicator.Show(IndicatorPattern.Fault);
                return false;
            }

            bool saved = _sequencer.Start();
            _outbox.Load();
            _nextHeartbeatMilliseconds = _hardware.Clock.UptimeMilliseconds;
            _nextSampleMilliseconds = _hardware.Clock.UptimeMilliseconds;
            _started = true;
            if (!saved)
            {
                _hardware.Indicator.Show(IndicatorPattern.Fault);
            }

            return saved;
        }

        /// <summary>One step of the app loop: button, heartbeat, outbox. Cheap; call every 10-20 ms.</summary>
        public void Tick()
        {
            if (!_started)
            {
                return;
            }

            long now = _hardware.Clock.UptimeMilliseconds;
            if (_fallDetector != null)
            {
                SampleMotion(now);
            }

            if (_geofence != null)
            {
                _geofence.Poll(now);
            }

            ButtonGesture gesture = _button.Update(_hardware.Button.IsPressed, now);
            if (gesture == ButtonGesture.LongPress)
            {
                _alarms.OnLongPress(now);
            }
            else if (gesture == ButtonGesture.ShortPress)
            {
                _alarms.OnShortPress(now);
            }

            _alarms.Tick(now);
            if (now >= _nextHeartbeatMilliseconds)
            {
                _nextHeartbeatMilliseconds = now + (_options.HeartbeatIntervalSeconds * 1000L);
                Raise(EventTypes.Heartbeat, DeviceEvent.Absent, DeviceEvent.Absent, null);
            }

            _sender.Pump(now);
        }

        /// <summary>A fall was detected (by the on-device detector): alarm at once, cancel window opens.</summary>
        public void ReportFall(int confidencePerMille, string features)
        {
            _alarms.OnFallDetected(_hardware.Clock.UptimeMilliseconds, confidencePerMille, features);
        }

        /// <summary>
        /// Feeds the fall detector at its sample rate. A late tick catches up at most a few
        /// samples; beyond that the slots are skipped and counted rather than bursting the bus.
        /// </summary>
        private void SampleMotion(long now)
        {
            int taken = 0;
            while (now >= _nextSampleMilliseconds && taken < 4)
            {
                _nextSampleMilliseconds += _samplePeriodMilliseconds;
                taken++;
                float x, y, z;
                if (!_hardware.Accelerometer.TryRead(out x, out y, out z))
                {
                    AccelerometerFailureCount++;
                    continue;
                }

                if (_fallDetector.AddSample(x, y, z))
                {
                    _alarms.OnFallDetected(now, _fallDetector.LastConfidencePerMille, _fallDetector.DescribeLastDetection());
                }
            }

            if (now >= _nextSampleMilliseconds)
            {
                long behind = (now - _nextSampleMilliseconds) / _samplePeriodMilliseconds;
                SkippedSampleCount += (int)behind + 1;
                _nextSampleMilliseconds = now + _samplePeriodMilliseconds;
            }
        }

        public int Raise(string type, int confidencePerMille, int referenceSequence, string info)
        {
            int sequence = _sequencer.NextSequence();
            DeviceEvent e = new DeviceEvent(_options.DeviceId, _sequencer.BootEpoch, sequence, type, _hardware.Clock.UtcNowUnixMilliseconds);
            e.BatteryPercent = ClampBattery(_hardware.Battery.ReadPercent());
            e.ConfidencePerMille = confidencePerMille;
            e.ReferenceSequence = referenceSequence;
            e.Info = info;
            return _outbox.Enqueue(e) ? sequence : 0;
        }

        public int RaiseWithPosition(string type, GnssFix fix, string info)
        {
            int sequence = _sequencer.NextSequence();
            DeviceEvent e = new DeviceEvent(_options.DeviceId, _sequencer.BootEpoch, sequence, type, _hardware.Clock.UtcNowUnixMilliseconds);
            e.BatteryPercent = ClampBattery(_hardware.Battery.ReadPercent());
            e.Info = info;
            if (fix != null && fix.HasPosition)
            {
                e.LatitudeMicrodegrees = E7ToMicrodegrees(fix.LatitudeE7);
                e.LongitudeMicrodegrees = E7ToMicrodegrees(fix.LongitudeE7);
                e.HdopHundredths = fix.HdopHundredths > PositionFields.MaxHdopHundredths ? PositionFields.MaxHdopHundredths : fix.HdopHundredths;
                e.Satellites = fix.Satellites;
            }

            return _outbox.Enqueue(e) ? sequence : 0;
        }

        /// <summary>1e-7 to 1e-6 degree, rounded half away from zero.</summary>
        private static int E7ToMicrodegrees(int e7)
        {
            return e7 >= 0 ? (e7 + 5) / 10 : (e7 - 5) / 10;
        }

        private void OnDelivered(object sender, OutboxEntry entry)
        {
            if (entry.BootEpoch == _sequencer.BootEpoch)
            {
                _alarms.OnDelivered(entry.Type, entry.Sequence);
            }

            EntryDeliveredEventHandler handler = Delivered;
            if (handler != null)
            {
                handler(this, entry);
            }
        }

        /// <summary>
        /// A downlink (on the MQTT thread). Anything refused is counted and dropped: a command can never raise or
        /// cancel an alarm, only tell the elder that a person has seen one.
        /// </summary>
        private void OnMessageReceived(object sender, string topic, byte[] payload)
        {
            if (topic != _commandTopic)
            {
                RejectCommand(RejectReasons.TopicNotAllowed, "downlink on a topic that is not this device's command topic");
                return;
            }

            CommandDecodeResult result = CommandCodec.Decode(payload, payload == null ? 0 : payload.Length);
            if (!result.IsValid)
            {
                RejectCommand(result.Reason, result.Detail);
                return;
            }

            DeviceCommand command = result.Command;
            string deviceId;
            int bootEpoch, sequence;
            CommandCodec.TryParseEventId(command.Reference, out deviceId, out bootEpoch, out sequence);
            if (deviceId != _options.DeviceId)
            {
                RejectCommand(RejectReasons.DeviceMismatch, "acknowledgement of another device's event");
                return;
            }

            _alarms.OnAcknowledged(bootEpoch == _sequencer.BootEpoch, sequence);
        }

        private void RejectCommand(string reason, string detail)
        {
            CommandsRejected++;
            LastCommandRejection = reason + ": " + detail;
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
