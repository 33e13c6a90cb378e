using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Core.Apps
{
    /// <summary>
    /// The parts a wearable is made of, created by Main (device) or the host twin and
    /// handed to the app in one piece. Accelerometer may be null (no fall detection), Gnss too (no geofence).
    /// </summary>
    public sealed class WearableHardware
    {
        public WearableHardware(IClock clock, IStorage storage, IMqttLink link, IButton button, IIndicator indicator, IBattery battery)
        {
            Clock = clock;
            Storage = storage;
            Link = link;
            Button = button;
            Indicator = indicator;
            Battery = battery;
        }

        public IClock Clock { get; private set; }

        public IStorage Storage { get; private set; }

        public IMqttLink Link { get; private set; }

        public IButton Button { get; private set; }

        public IIndicator Indicator { get; private set; }

        public IBattery Battery { get; private set; }

        /// <summary>Optional; sampled by the app at the detector's rate.</summary>
        public IAccelerometer Accelerometer { get; set; }

        /// <summary>
        /// Optional: the accelerometer's FIFO (usually the same object as <see cref="Accelerometer"/>). With it, batch
        /// mode reads exactly the samples the sensor queued; without it, the samples due by the clock.
        /// </summary>
        public IAccelerometerFifo AccelerometerFifo { get; set; }

        /// <summary>Optional: the Wi-Fi radio, for the heartbeat's signal strength (none without it).</summary>
        public IRadio Radio { get; set; }

        /// <summary>
        /// Optional: switches the radio for the radio schedule (<see cref="WearableOptions.RadioSchedule"/>); without it
        /// the link stays up all the time.
        /// </summary>
        public IRadioPower RadioPower { get; set; }

        /// <summary>Optional GNSS module (watch); with zones in WearableOptions.Geofence it runs the geofence.</summary>
        public IGnssReceiver Gnss { get; set; }

        /// <summary>
        /// Optional: switches the GNSS module for the duty cycle (<see cref="WearableOptions.GnssDutyCycle"/>); without
        /// it the module stays on.
        /// </summary>
        public IGnssPower GnssPower { get; set; }
    }
}
