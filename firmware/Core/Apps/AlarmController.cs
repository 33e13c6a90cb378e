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
        /// A person acknowledged this device's event <paramref name="sequence"/> (a command downlink; of this boot when
        /// <paramref name="thisBoot"/>: after a restart the device no longer knows which alarm was active).
        /// The active alarm shows "help is coming" and stops reminding; the same acknowledgement again shows it again
        /// and changes nothing else. An alarm raised again while the first still waited (an SOS after a fall, a second
        /// long press) is the same episode: acknowledging any alarm of it is enough. One for any other event is
        /// counted and ignored. Returns true if it named the active episode.
        /// </summary>
        public bool OnAcknowledged(bool thisBoot, int sequence)
        {
            lock (_lock)
            {
                if (!thisBoot || _activeType == null || sequence < _episodeFirstSequence || sequence > _activeSequence)
                {
                    StaleAcknowledgements++;
                    return false;
                }

                _helpComing = true;
                _indicator.Show(IndicatorPattern.HelpComing);
                return true;
            }
        }

        /// <summary>Reminds the elder while the active alarm waits for a person. Call from the app loop.</summary>
        public void Tick(long nowMilliseconds)
        {
            lock (_lock)
            {
                if (_activeType == null || _helpComing || _reminderMilliseconds <= 0 || nowMilliseconds < _nextReminderMilliseconds)
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
            _nextReminderMilliseconds = nowMilliseconds + _reminderMilliseconds;
            _indicator.Show(IndicatorPattern.AlarmRaised);
        }

        private bool InWindow(long nowMilliseconds)
        {
            return nowMilliseconds - _activeSinceMilliseconds <= _cancelWindowMilliseconds;
        }
    }
}
