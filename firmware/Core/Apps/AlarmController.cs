// Size (~360 lines): one alarm episode's whole life (raise, cancel window, escalation, received, help coming, reminders, kept across a reboot, passive alarms) shares its lock and state.
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Core.Apps
{
    /// <summary>
    /// The alarm rules of a wearable: a long press raises SOS, a fall raises a fall alarm
    /// at once (help starts while the elder decides), a short press within the cancel
    /// window cancels the active alarm with a cancel event, an SOS during a fall alarm
    /// escalates it. The indicator tells the elder each step, and "received" only when
    /// the gateway acknowledged the alarm, not when it was merely sent, and "help is coming" only when a person
    /// acknowledged it (a downlink from the service center or the platform). Until then the alarm stays active and
    /// the elder is reminded every <c>reminderMilliseconds</c> that it is still waiting, not forgotten.
    /// </summary>
    public sealed class AlarmController
    {
        private readonly IEventRaiser _raiser;
        private readonly IIndicator _indicator;
        private int _cancelWindowMilliseconds;
        private int _reminderMilliseconds;
        private readonly object _lock = new object();
        private string _activeType;
        private int _activeSequence;
        private int _episodeFirstSequence;
        private long _activeSinceMilliseconds;
        private bool _helpComing;
        private long _nextReminderMilliseconds;
        private readonly int[] _passive = new int[MaxPassive];
        private int _passiveCount;
        private bool _passiveWaiting;
        private IStorage _storage;
        private int _bootEpoch;
        private int _waitingBoot;
        private int _waitingFirst;
        private int _waitingLast;

        /// <summary>The flash blob that keeps the alarm still waiting for a person across a reboot.</summary>
        public const string BlobName = "alarm";

        private const int MaxPassive = 4;

        public AlarmController(IEventRaiser raiser, IIndicator indicator, int cancelWindowMilliseconds)
            : this(raiser, indicator, cancelWindowMilliseconds, 0)
        {
        }

        /// <param name="reminderMilliseconds">How often an alarm no person has acknowledged reminds the elder it is
        /// still waiting (<see cref="IndicatorPattern.StillWaiting"/>); 0 for never.</param>
        public AlarmController(IEventRaiser raiser, IIndicator indicator, int cancelWindowMilliseconds, int reminderMilliseconds)
        {
            _raiser = raiser;
            _indicator = indicator;
            _cancelWindowMilliseconds = cancelWindowMilliseconds;
            _reminderMilliseconds = reminderMilliseconds;
        }

        /// <summary>
        /// Boot <paramref name="bootEpoch"/> starts: an alarm the last run raised that no person had acknowledged yet (kept
        /// on flash) is still waiting. It keeps reminding the elder and an acknowledgement of it shows "help is coming";
        /// it cannot be cancelled any more (a cancel names a seq of its own boot) and a new alarm replaces it.
        /// </summary>
        public void Start(IStorage storage, int bootEpoch)
        {
            lock (_lock)
            {
                _storage = storage;
                _bootEpoch = bootEpoch;
                byte[] data;
                int boot, first, last;
                if (storage.TryRead(BlobName, out data) && TryParseWaiting(Utf8.GetString(data, data.Length), out boot, out first, out last) && boot != bootEpoch)
                {
                    _waitingBoot = boot;
                    _waitingFirst = first;
                    _waitingLast = last;
                    _nextReminderMilliseconds = 0;
                }
            }
        }

        /// <summary>True while an alarm of an earlier boot waits for a person (see <see cref="Start"/>).</summary>
        public bool EarlierBootAlarmWaiting
        {
            get
            {
                lock (_lock)
                {
                    return _waitingBoot != 0;
                }
            }
        }

        /// <summary>
        /// An alarm the elder did not raise (the geofence's, the wellness check's): no "raised" pattern and no reminders
        /// (the elder did not ask), but an acknowledgement of it shows "help is coming" like any other.
        /// </summary>
        public void OnPassiveAlarm(int sequence)
        {
            lock (_lock)
            {
                if (sequence <= 0)
                {
                    return;
                }

                if (_passiveCount == MaxPassive)
                {
                    for (int i = 1; i < MaxPassive; i++)
                    {
                        _passive[i - 1] = _passive[i];
                    }

                    _passiveCount--;
                }

                _passive[_passiveCount++] = sequence;
                _passiveWaiting = true;
            }
        }

        /// <summary>New cancel window and reminder period (a configuration downlink); an active alarm keeps its episode.</summary>
        public void SetTimings(int cancelWindowMilliseconds, int reminderMilliseconds)
        {
            lock (_lock)
            {
                _cancelWindowMilliseconds = cancelWindowMilliseconds;
                _reminderMilliseconds = reminderMilliseconds;
            }
        }

        /// <summary>True when a person acknowledged the active alarm (the device shows "help is coming").</summary>
        public bool HelpComing
        {
            get
            {
                lock (_lock)
                {
                    return _activeType != null && _helpComing;
                }
            }
        }

        /// <summary>
        /// True while an alarm waits for a person's acknowledgement: the active one (not cancelled, no "help is coming"
        /// yet), one an earlier boot left waiting, or a passive one (geofence, wellness). A battery device keeps its radio
        /// up (then polls) for the acknowledgement while this holds (<see cref="Power.RadioSchedule"/>).
        /// </summary>
        public bool AwaitingPerson
        {
            get
            {
                lock (_lock)
                {
                    return (_activeType != null && !_helpComing) || _waitingBoot != 0 || _passiveWaiting;
                }
            }
        }

        /// <summary>Reminders shown since start (alarms still waiting for a person).</summary>
        public int RemindersShown { get; private set; }

        /// <summary>Acknowledgements that named no alarm active on this device now (an older alarm, a cancelled one, another boot's).</summary>
        public int StaleAcknowledgements { get; private set; }

        /// <summary>Type of the alarm a short press would cancel now, or null.</summary>
        public string ActiveAlarmType
        {
            get
            {
                lock (_lock)
                {
                    return _activeType;
                }
            }
        }

        public void OnLongPress(long nowMilliseconds)
        {
            lock (_lock)
            {
                string info = null;
                if (_activeType == EventTypes.Fall && InWindow(nowMilliseconds))
                {
                    info = "escalated fall seq " + _activeSequence.ToString();
                }

                Activate(EventTypes.Sos, _raiser.Raise(EventTypes.Sos, DeviceEvent.Absent, DeviceEvent.Absent, info), nowMilliseconds);
            }
        }

        public void OnFallDetected(long nowMilliseconds, int confidencePerMille, string features)
        {
            lock (_lock)
            {
                Activate(EventTypes.Fall, _raiser.Raise(EventTypes.Fall, confidencePerMille, DeviceEvent.Absent, features), nowMilliseconds);
            }
        }

        public void OnShortPress(long nowMilliseconds)
        {
            lock (_lock)
            {
                if (_activeType == null || !InWindow(nowMilliseconds))
                {
                    return;
                }

                string cancelType = _activeType == EventTypes.Fall ? EventTypes.FallCancel : EventTypes.SosCancel;
                int sequence = _raiser.Raise(cancelType, DeviceEvent.Absent, _activeSequence, null);
                _activeType = null;
                _helpComing = false;
                Forget();
                _indicator.Show(sequence > 0 ? IndicatorPattern.AlarmCancelled : IndicatorPattern.Fault);
            }
        }

        /// <summary>The gateway acknowledged an event of this boot.</summary>
        public void OnDelivered(string type, int sequence)
        {
            lock (_lock)
            {
                if (_activeType != null && type == _activeType && sequence == _activeSequence && !_helpComing)
                {
                    _indicator.Show(IndicatorPattern.AlarmReceived);
                }
            }
        }

        /// <summary>
        /// A person acknowledged this device's event <paramref name="bootEpoch"/>:<paramref name="sequence"/> (a command
        /// downlink). The active alarm shows "help is coming" and stops reminding; the same acknowledgement again shows
        /// it again and changes nothing else. An alarm raised again while the first still waited (an SOS after a fall, a
        /// second long press) is the same episode: acknowledging any alarm of it is enough. A passive alarm of this boot
        /// (geofence, wellness) and the alarm an earlier boot left waiting show it too. One for any other event is
        /// counted and ignored. Returns true if it named an alarm that waited.
        /// </summary>
        public bool OnAcknowledged(int bootEpoch, int sequence)
        {
            lock (_lock)
            {
                if (bootEpoch == _bootEpoch && _activeType != null && sequence >= _episodeFirstSequence && sequence <= _activeSequence)
                {
                    _helpComing = true;
                    Forget();
                    _indicator.Show(IndicatorPattern.HelpComing);
                    return true;
                }

                if (_waitingBoot != 0 && bootEpoch == _waitingBoot && sequence >= _waitingFirst && sequence <= _waitingLast)
                {
                    _waitingBoot = 0;
                    Forget();
                    _indicator.Show(IndicatorPattern.HelpComing);
                    return true;
                }

                if (bootEpoch == _bootEpoch && IsPassive(sequence))
                {
                    _passiveWaiting = false;
                    _indicator.Show(IndicatorPattern.HelpComing);
                    return true;
                }

                StaleAcknowledgements++;
                return false;
            }
        }

        /// <summary>Reminds the elder while the active alarm waits for a person. Call from the app loop.</summary>
        public void Tick(long nowMilliseconds)
        {
            lock (_lock)
            {
                bool waiting = (_activeType != null && !_helpComing) || _waitingBoot != 0;
                if (!waiting || _reminderMilliseconds <= 0 || nowMilliseconds < _nextReminderMilliseconds)
                {
                    return;
                }

                _nextReminderMilliseconds = nowMilliseconds + _reminderMilliseconds;
                RemindersShown++;
                _indicator.Show(IndicatorPattern.StillWaiting);
            }
        }

        private void Activate(string type, int sequence, long nowMilliseconds)
        {
            if (sequence <= 0)
            {
                _indicator.Show(IndicatorPattern.Fault);
                return;
            }

            if (_activeType == null || _helpComing)
            {
                _episodeFirstSequence = sequence;
            }

            _activeType = type;
            _activeSequence = sequence;
            _activeSinceMilliseconds = nowMilliseconds;
            _helpComing = false;
            _waitingBoot = 0;
            _nextReminderMilliseconds = nowMilliseconds + _reminderMilliseconds;
            Remember();
            _indicator.Show(IndicatorPattern.AlarmRaised);
        }

        /// <summary>Keeps the waiting episode on flash ("boot,first,last"): after a reboot it still waits for a person.</summary>
        private void Remember()
        {
            if (_storage != null)
            {
                string text = _bootEpoch.ToString() + "," + _episodeFirstSequence.ToString();
                _storage.TryWrite(BlobName, Utf8.GetBytes(text + "," + _activeSequence.ToString()));
            }
        }

        private void Forget()
        {
            if (_storage != null)
            {
                _storage.Delete(BlobName);
            }
        }

        private bool IsPassive(int sequence)
        {
            for (int i = 0; i < _passiveCount; i++)
            {
                if (_passive[i] == sequence)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool TryParseWaiting(string text, out int boot, out int first, out int last)
        {
            boot = first = last = 0;
            int a = text.IndexOf(',');
            int b = a < 0 ? -1 : text.IndexOf(',', a + 1);
            long x, y, z;
            if (b < 0 || !NumberParser.TryParseLong(text.Substring(0, a), out x) || !NumberParser.TryParseLong(text.Substring(a + 1, b - a - 1), out y)
                || !NumberParser.TryParseLong(text.Substring(b + 1), out z) || x < 1 || y < 1 || z < y || x > int.MaxValue || z > int.MaxValue)
            {
                return false;
            }

            boot = (int)x;
            first = (int)y;
            last = (int)z;
            return true;
        }

        private bool InWindow(long nowMilliseconds)
        {
            return nowMilliseconds - _activeSinceMilliseconds <= _cancelWindowMilliseconds;
        }
    }
}
