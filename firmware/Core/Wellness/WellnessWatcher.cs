using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.Firmware.Core.Wellness
{
    /// <summary>
    /// Turns the <see cref="InactivityMonitor"/>'s transitions into events: a <c>wellness</c> alarm
    /// (<c>info</c> <c>still=180min;waking=07:00-22:00</c>) and a <c>not_worn</c> status (<c>info</c> <c>flat=30min</c>).
    /// Fed by the app's sampling loop; allocates only when it raises an event.
    /// </summary>
    public sealed class WellnessWatcher
    {
        private readonly InactivityMonitor _monitor;
        private readonly IEventRaiser _raiser;
        private readonly WellnessOptions _options;

        public WellnessWatcher(WellnessOptions options, int sampleRateHertz, IEventRaiser raiser)
        {
            _options = options;
            _raiser = raiser;
            _monitor = new InactivityMonitor(options, sampleRateHertz);
        }

        public InactivityMonitor Monitor
        {
            get { return _monitor; }
        }

        /// <summary>Events raised since start (alarms and not-worn statuses).</summary>
        public int RaisedCount { get; private set; }

        public void AddSample(float xG, float yG, float zG, long utcUnixMilliseconds)
        {
            int transition = _monitor.AddSample(xG, yG, zG, utcUnixMilliseconds);
            if (transition != WellnessTransition.None)
            {
                Report(transition);
            }
        }

        public void SetCharging(bool charging)
        {
            _monitor.SetCharging(charging);
        }

        private void Report(int transition)
        {
            string type, info;
            if (transition == WellnessTransition.Inactive)
            {
                type = EventTypes.Wellness;
                info = "still=" + (_monitor.StillMilliseconds / 60000).ToString() + "min;waking=" + _monitor.WakingHours.Describe();
            }
            else
            {
                type = EventTypes.NotWorn;
                info = "flat=" + (_options.NotWornAfterSeconds / 60).ToString() + "min";
            }

            if (_raiser.Raise(type, DeviceEvent.Absent, DeviceEvent.Absent, info) != 0)
            {
                RaisedCount++;
            }
        }
    }
}
