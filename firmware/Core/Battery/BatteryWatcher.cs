using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Core.Battery
{
    /// <summary>
    /// Watches the battery gauge and the charger line and raises the service-lane events: <c>battery_low</c> once
    /// per crossing below <see cref="BatteryOptions.LowPercent"/> (re-armed at <see cref="BatteryOptions.RearmPercent"/>
    /// or above, never while charging: the carer has already done what the event asks), and <c>charging</c> when the
    /// device goes on the charger. Each change must hold for two reads in a row, so a bouncing USB plug or one noisy
    /// ADC reading raises nothing. A device that boots on its charger reports <c>charging</c> once; one that boots
    /// below the threshold reports <c>battery_low</c> once. Called from the app loop; no thread of its own.
    /// </summary>
    public sealed class BatteryWatcher
    {
        private readonly BatteryOptions _options;
        private readonly IBattery _battery;
        private readonly IEventRaiser _raiser;
        private long _nextPollMilliseconds;
        private bool _started;
        private bool _lastChargingRead;
        private bool _lowArmed = true;
        private bool _lastReadLow;

        public BatteryWatcher(BatteryOptions options, IBattery battery, IEventRaiser raiser)
        {
            _options = options;
            _battery = battery;
            _raiser = raiser;
        }

        /// <summary>The debounced charger state.</summary>
        public bool IsCharging { get; private set; }

        /// <summary>Events raised since start (battery_low and charging).</summary>
        public int RaisedCount { get; private set; }

        /// <summary>Reads the gauge and the charger line when a poll is due.</summary>
        public void Poll(long nowMilliseconds)
        {
            if (_started && nowMilliseconds < _nextPollMilliseconds)
            {
                return;
            }

            _started = true;
            _nextPollMilliseconds = nowMilliseconds + _options.PollMilliseconds;
            bool charging = _battery.ReadCharging();
            if (charging == _lastChargingRead && charging != IsCharging)
            {
                IsCharging = charging;
                if (charging)
                {
                    Raise(EventTypes.Charging, null);
                }
            }

            _lastChargingRead = charging;
            CheckLow(_battery.ReadPercent());
        }

        private void CheckLow(int percent)
        {
            if (percent < 0)
            {
                _lastReadLow = false;
                return;
            }

            if (percent >= _options.RearmPercent)
            {
                _lowArmed = true;
            }

            bool low = percent < _options.LowPercent;
            if (low && _lastReadLow && _lowArmed && !IsCharging)
            {
                _lowArmed = false;
                Raise(EventTypes.BatteryLow, "below " + _options.LowPercent.ToString() + "%");
            }

            _lastReadLow = low;
        }

        private void Raise(string type, string info)
        {
            if (_raiser.Raise(type, DeviceEvent.Absent, DeviceEvent.Absent, info) != 0)
            {
                RaisedCount++;
            }
        }
    }
}
