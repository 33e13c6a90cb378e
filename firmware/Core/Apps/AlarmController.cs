using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Core.Apps
{
    /// <summary>
    /// The alarm rules of a wearable: a long press raises SOS, a fall raises a fall alarm
    /// at once (help starts while the elder decides), a short press within the cancel
    /// window cancels the active alarm with a cancel event, an SOS during a fall alarm
    /// escalates it. The indicator tells the elder each step, and "received" only when
    /// the gateway acknowledged the alarm, not when it was merely sent.
    /// </summary>
    public sealed class AlarmController
    {
        private readonly IEventRaiser _raiser;
        private readonly IIndicator _indicator;
        private readonly int _cancelWindowMilliseconds;
        private readonly object _lock = new object();
        private string _activeType;
        private int _activeSequence;
        private long _activeSinceMilliseconds;

        public AlarmController(IEventRaiser raiser, IIndicator indicator, int cancelWindowMilliseconds)
        {
            _raiser = raiser;
            _indicator = indicator;
            _cancelWindowMilliseconds = cancelWindowMilliseconds;
        }

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
                _indicator.Show(sequence > 0 ? IndicatorPattern.AlarmCancelled : IndicatorPattern.Fault);
            }
        }

        /// <summary>The gateway acknowledged an event of this boot.</summary>
        public void OnDelivered(string type, int sequence)
        {
            lock (_lock)
            {
                if (_activeType != null && type == _activeType && sequence == _activeSequence)
                {
                    _indicator.Show(IndicatorPattern.AlarmReceived);
                }
            }
        }

        private void Activate(string type, int sequence, long nowMilliseconds)
        {
            if (sequence <= 0)
            {
                _indicator.Show(IndicatorPattern.Fault);
                return;
            }

            _activeType = type;
            _activeSequence = sequence;
            _activeSinceMilliseconds = nowMilliseconds;
            _indicator.Show(IndicatorPattern.AlarmRaised);
        }

        private bool InWindow(long nowMilliseconds)
        {
            return nowMilliseconds - _activeSinceMilliseconds <= _cancelWindowMilliseconds;
        }
    }
}
