// Size (~490 lines): one job, the wearable's one loop, which wires every core part (button, alarms, detector, wellness, geofence, GNSS duty cycle, battery, radio schedule, outbox); the parts live in their own folders, so what stays here is their order within a tick.
using Eldercare.Firmware.Core.Battery;
using Eldercare.Firmware.Core.Commands;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Falls;
using Eldercare.Firmware.Core.Geofence;
using Eldercare.Firmware.Core.Gnss;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Identity;
using Eldercare.Firmware.Core.Outbox;
using Eldercare.Firmware.Core.Power;
using Eldercare.Firmware.Core.Sos;
using Eldercare.Firmware.Core.Wellness;

namespace Eldercare.Firmware.Core.Apps
{
    /// <summary>
    /// The pendant / watch application: SOS button, alarms, heartbeats with battery level, signal and firmware version,
    /// the fall detector and the wellness (inactivity) check when an accelerometer is fitted, the geofence when a GNSS
    /// module is fitted, battery and charger events, the persistent outbox and its sender, and the commands the gateway
    /// sends back ("help is coming"). One logic for the ESP32 and the host twin:
    /// the caller drives it with <see cref="Tick"/> every 10-20 ms on one thread.
    /// </summary>
    public sealed class WearableApp : IEventRaiser
    {
        private readonly WearableOptions _options;
        private readonly WearableHardware _hardware;
        private readonly EventSequencer _sequencer;
        private readonly PersistentOutbox _outbox;
        private readonly OutboxSender _sender;
        private readonly SosButton _button;
        private readonly AlarmController _alarms;
        private readonly FallDetector _fallDetector;
        private readonly CommandInbox _commands;
        private readonly ConfigurationKeeper _configuration;
        private readonly GeofenceWatcher _geofence;
        private readonly WellnessWatcher _wellness;
        private readonly BatteryWatcher _battery;
        private readonly WearableEvents _events;
        private readonly int _samplePeriodMilliseconds;
        private long _nextSampleMilliseconds;
        private long _nextHeartbeatMilliseconds;
        private readonly RadioSchedule _radio;
        private readonly AccelerometerBatching _batching;
        private readonly GnssDutyCycle _gnssDuty;
        private bool _started;

        public WearableApp(WearableOptions options, WearableHardware hardware)
        {
            _options = options;
            _hardware = hardware;
            _sequencer = new EventSequencer(hardware.Storage, hardware.Clock);
            _outbox = new PersistentOutbox(hardware.Storage, options.Outbox);
            _events = new WearableEvents(options.DeviceId, options.FirmwareVersion, _sequencer, _outbox, hardware);
            _sender = new OutboxSender(_outbox, hardware.Link, Topics.Events(options.DeviceId), options.AckTimeoutMilliseconds);
            _button = new SosButton(options.Button);
            _alarms = new AlarmController(_events, hardware.Indicator, options.CancelWindowMilliseconds, options.HelpReminderSeconds * 1000);
            _commands = new CommandInbox(options.DeviceId);
            _sender.Delivered += OnDelivered;
            hardware.Link.MessageReceived += OnMessageReceived;
            if (hardware.Accelerometer != null)
            {
                FallDetectorOptions profile = FallDetectorOptions.ForPlacement(options.Placement);
                if (profile != null)
                {
                    _fallDetector = new FallDetector(profile);
                    _samplePeriodMilliseconds = 1000 / profile.SampleRateHertz;
                    _batching = new AccelerometerBatching(options.AccelerometerBatchMilliseconds, options.AccelerometerFollowMilliseconds, profile.ImpactThresholdG);
                    if (options.Wellness != null)
                    {
                        _wellness = new WellnessWatcher(options.Wellness, profile.SampleRateHertz, new PassiveAlarmRaiser(_events, _alarms));
                    }
                }
            }

            if (hardware.Gnss != null && options.Geofence != null)
            {
                _geofence = new GeofenceWatcher(options.Geofence, hardware.Gnss, new PassiveAlarmRaiser(_events, _alarms));
                if (options.GnssDutyCycle != null && hardware.GnssPower != null)
                {
                    _gnssDuty = new GnssDutyCycle(options.GnssDutyCycle, options.Geofence.MarginMetres);
                }
            }

            if (options.RadioSchedule != null && hardware.RadioPower != null)
            {
                _radio = new RadioSchedule(options.RadioSchedule);
            }

            _battery = new BatteryWatcher(options.Battery, hardware.Battery, _events);
            _configuration = new ConfigurationKeeper(hardware.Storage, new WearableConfigurator(options, _alarms, _wellness, _geofence), _events);
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

        /// <summary>The wellness (inactivity) check, or null without an accelerometer or with it switched off.</summary>
        public WellnessWatcher Wellness
        {
            get { return _wellness; }
        }

        /// <summary>The configuration downlinks: the version running, what was applied or refused and why.</summary>
        public ConfigurationKeeper Configuration
        {
            get { return _configuration; }
        }

        /// <summary>The radio schedule (radio off between sends), or null when the link stays up.</summary>
        public RadioSchedule Radio
        {
            get { return _radio; }
        }

        /// <summary>The GNSS duty cycle (module off between fix windows), or null when the module stays on.</summary>
        public GnssDutyCycle GnssDutyCycle
        {
            get { return _gnssDuty; }
        }

        /// <summary>When the accelerometer is read (batches, impact follow-up), or null without a detector.</summary>
        public AccelerometerBatching AccelerometerBatching
        {
            get { return _batching; }
        }

        /// <summary>Battery level and charger events.</summary>
        public BatteryWatcher Battery
        {
            get { return _battery; }
        }

        /// <summary>Accelerometer reads that failed (I2C NACK), since start.</summary>
        public int AccelerometerFailureCount { get; private set; }

        /// <summary>Downlinks refused since start (not a valid command, not this device's); <see cref="LastCommandRejection"/> says why.</summary>
        public int CommandsRejected
        {
            get { return _commands.Rejected; }
        }

        /// <summary>The reason and detail of the last refused downlink, or null.</summary>
        public string LastCommandRejection
        {
            get { return _commands.LastRejection; }
        }

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
            _alarms.Start(_hardware.Storage, _sequencer.BootEpoch);
            _configuration.Load(_hardware.Clock.UptimeMilliseconds);
            _nextHeartbeatMilliseconds = _hardware.Clock.UptimeMilliseconds;
            _nextSampleMilliseconds = _hardware.Clock.UptimeMilliseconds;
            if (_batching != null)
            {
                _batching.Start(_nextSampleMilliseconds);
            }
            if (_radio != null)
            {
                _radio.Start(_hardware.Clock.UptimeMilliseconds);
            }

            if (_gnssDuty != null)
            {
                _gnssDuty.Start(_hardware.Clock.UptimeMilliseconds);
            }

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
            _configuration.Tick(now);
            _battery.Poll(now);
            if (_wellness != null)
            {
                _wellness.SetCharging(_battery.IsCharging);
            }

            if (_fallDetector != null)
            {
                SampleMotion(now);
            }

            if (_geofence != null)
            {
                _geofence.Poll(now);
                if (_gnssDuty != null)
                {
                    DriveGnss(now);
                }
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
            long heartbeatPeriod = _options.HeartbeatIntervalSeconds * 1000L;
            if (_radio != null)
            {
                // Battery device: the heartbeat goes with the scheduled session; an alarm brings the radio up at once.
                bool wanted = _radio.Update(now, heartbeatPeriod, _outbox.AlarmCount > 0, _outbox.Count, _alarms.AwaitingPerson, _hardware.Link.IsConnected);
                if (_radio.SessionStarted)
                {
                    _events.RaiseHeartbeat(_options.HeartbeatIntervalSeconds);
                }

                _hardware.RadioPower.SetWanted(wanted);
                _sender.Pump(now);
                return;
            }

            if (_nextHeartbeatMilliseconds > now + heartbeatPeriod)
            {
                _nextHeartbeatMilliseconds = now + heartbeatPeriod; // a shorter period from a configuration starts now
            }

            if (now >= _nextHeartbeatMilliseconds)
            {
                _nextHeartbeatMilliseconds = now + (_options.HeartbeatIntervalSeconds * 1000L);
                _events.RaiseHeartbeat(_options.HeartbeatIntervalSeconds);
            }

            _sender.Pump(now);
        }

        /// <summary>
        /// The GNSS duty cycle after the geofence has judged this tick's fixes: the module on for a window, off between;
        /// the geofence's "no position" clock runs only while it is on.
        /// </summary>
        private void DriveGnss(long now)
        {
            GeofenceMonitor monitor = _geofence.Monitor;
            GnssFix last = monitor.LastGoodFix;
            bool on = _gnssDuty.Update(now, last == null ? -1 : last.UptimeMilliseconds, monitor.LastDistanceMetres, monitor.PendingConfirmations > 0);
            if (on)
            {
                monitor.Resume(now);
            }
            else
            {
                monitor.Suspend(now);
            }

            _hardware.GnssPower.SetPowered(on);
        }

        /// <summary>A fall was detected (by the on-device detector): alarm at once, cancel window opens.</summary>
        public void ReportFall(int confidencePerMille, string features)
        {
            _alarms.OnFallDetected(_hardware.Clock.UptimeMilliseconds, confidencePerMille, features);
        }

        /// <summary>
        /// Feeds the fall detector and the wellness check at the detector's sample rate. A late tick catches up at most a
        /// few samples; beyond that the slots are skipped and counted rather than bursting the bus. In batch mode the
        /// samples due since the last batch are read at once (the sensor's FIFO), at most a FIFO's worth; a detection
        /// is reported at the batch's read time, so its latency includes the batch period.
        /// </summary>
        private void SampleMotion(long now)
        {
            if (!_batching.IsReadDue(now))
            {
                return; // the sensor fills its FIFO meanwhile
            }

            _batching.Read(now);
            if (_batching.BatchMilliseconds > 0 && _hardware.AccelerometerFifo != null)
            {
                ReadFifo(now);
                return;
            }

            int limit = _batching.BatchMilliseconds > 0 ? WearableOptions.AccelerometerFifoSamples : 4;

            long utc = _wellness != null ? _hardware.Clock.UtcNowUnixMilliseconds : 0;
            int taken = 0;
            while (now >= _nextSampleMilliseconds && taken < limit)
            {
                long sampleTime = _nextSampleMilliseconds;
                _nextSampleMilliseconds += _samplePeriodMilliseconds;
                taken++;
                float x, y, z;
                if (!_hardware.Accelerometer.TryRead(out x, out y, out z))
                {
                    AccelerometerFailureCount++;
                    continue;
                }

                Feed(x, y, z, sampleTime, now, utc);
            }

            if (now >= _nextSampleMilliseconds)
            {
                long behind = (now - _nextSampleMilliseconds) / _samplePeriodMilliseconds;
                SkippedSampleCount += (int)behind + 1;
                _nextSampleMilliseconds = now + _samplePeriodMilliseconds;
            }
        }

        /// <summary>
        /// Batch mode with a sensor FIFO: reads exactly the samples it queued (at most a FIFO's worth), each stamped back
        /// from now at the sample period; a bus error is counted and the batch tried again at the next read.
        /// </summary>
        private void ReadFifo(long now)
        {
            int pending = _hardware.AccelerometerFifo.Fill();
            if (pending < 0)
            {
                AccelerometerFailureCount++;
                return;
            }

            if (pending > WearableOptions.AccelerometerFifoSamples)
            {
                pending = WearableOptions.AccelerometerFifoSamples;
            }

            long utc = _wellness != null ? _hardware.Clock.UtcNowUnixMilliseconds : 0;
            for (int i = 0; i < pending; i++)
            {
                float x, y, z;
                if (!_hardware.Accelerometer.TryRead(out x, out y, out z))
                {
                    AccelerometerFailureCount++;
                    continue;
                }

                Feed(x, y, z, now - ((pending - 1 - i) * (long)_samplePeriodMilliseconds), now, utc);
            }

            _nextSampleMilliseconds = now + _samplePeriodMilliseconds;
        }

        private void Feed(float x, float y, float z, long sampleTime, long now, long utc)
        {
            _batching.Observe(x, y, z, sampleTime);
            if (_fallDetector.AddSample(x, y, z))
            {
                _alarms.OnFallDetected(now, _fallDetector.LastConfidencePerMille, _fallDetector.DescribeLastDetection());
            }

            if (_wellness != null)
            {
                _wellness.AddSample(x, y, z, utc);
            }
        }

        /// <summary>
        /// How long the device may sleep from <paramref name="now"/> as far as the accelerometer and the GNSS module
        /// are concerned: until the next batch read or fix window, 0 while it reads every tick (no batches, following
        /// an impact, or the GNSS module on).
        /// </summary>
        public long MillisecondsUntilNextRead(long now)
        {
            long until = _batching == null ? long.MaxValue : _batching.MillisecondsUntilNextRead(now);
            if (_gnssDuty != null)
            {
                // The module's UART is read every tick while it is on; the next window wakes the chip.
                long gnss = _gnssDuty.MillisecondsUntilNextWindow(now);
                if (gnss < until)
                {
                    until = gnss;
                }
            }

            return until;
        }

        /// <summary>Makes and stores an event of this device (the alarms' raiser; the host twin's load generator).</summary>
        public int Raise(string type, int confidencePerMille, int referenceSequence, string info)
        {
            return _events.Raise(type, confidencePerMille, referenceSequence, info);
        }

        /// <summary>Makes and stores an event that carries a position (the geofence's raiser; the host twin's load generator).</summary>
        public int RaiseWithPosition(string type, Gnss.GnssFix fix, string info)
        {
            return _events.RaiseWithPosition(type, fix, info);
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
        /// cancel an alarm, only tell the elder that a person has seen one, or change settings (applied on the app thread).
        /// </summary>
        private void OnMessageReceived(object sender, string topic, byte[] payload)
        {
            DeviceCommand command = _commands.Accept(topic, payload);
            if (command == null)
            {
                return;
            }

            if (command.Config != null)
            {
                _configuration.Receive(command.Config);
                return;
            }

            _alarms.OnAcknowledged(command.ReferenceBootEpoch, command.ReferenceSequence);
        }
    }
}
