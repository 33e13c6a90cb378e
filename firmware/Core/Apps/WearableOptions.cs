using Eldercare.Firmware.Core.Battery;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Geofence;
using Eldercare.Firmware.Core.Outbox;
using Eldercare.Firmware.Core.Power;
using Eldercare.Firmware.Core.Sos;
using Eldercare.Firmware.Core.Wellness;

namespace Eldercare.Firmware.Core.Apps
{
    /// <summary>Settings of a pendant or watch, validated once at start (<see cref="Validate"/>).</summary>
    public sealed class WearableOptions
    {
        public WearableOptions(string deviceId)
        {
            DeviceId = deviceId;
            HeartbeatIntervalSeconds = 60;
            AckTimeoutMilliseconds = 5000;
            CancelWindowMilliseconds = 20000;
            HelpReminderSeconds = 60;
            Placement = "neck";
            Button = new SosButtonOptions();
            Outbox = new OutboxOptions();
            Wellness = new WellnessOptions();
            Battery = new BatteryOptions();
            FirmwareVersion = CurrentFirmwareVersion;
            AccelerometerFollowMilliseconds = 2500;
        }

        /// <summary>The version of this firmware core, sent in every heartbeat (<c>fw</c>); bumped with each release.</summary>
        public const string CurrentFirmwareVersion = Identity.FirmwareRelease.Version;

        public string DeviceId { get; private set; }

        /// <summary>Heartbeat period; the gateway marks a device offline after a few missed ones.</summary>
        public int HeartbeatIntervalSeconds { get; set; }

        /// <summary>No PUBACK within this time: send the event again (same id).</summary>
        public int AckTimeoutMilliseconds { get; set; }

        /// <summary>How long after an alarm a short press cancels it.</summary>
        public int CancelWindowMilliseconds { get; set; }

        /// <summary>
        /// While no person has acknowledged the active alarm, the elder is reminded this often that it is still
        /// waiting (<see cref="Hardware.IndicatorPattern.StillWaiting"/>); 0 for never.
        /// </summary>
        public int HelpReminderSeconds { get; set; }

        /// <summary>"neck" (pendant), "wrist" (watch) or "waist" (belt clip): picks the fall detector profile.</summary>
        public string Placement { get; set; }

        public SosButtonOptions Button { get; private set; }

        public OutboxOptions Outbox { get; private set; }

        /// <summary>Safe zones and rules; null when the device has no geofence (no GNSS, or none configured).</summary>
        public GeofenceOptions Geofence { get; set; }

        /// <summary>
        /// The inactivity check (Core/Wellness); on by default for a device with an accelerometer, null to switch it off.
        /// </summary>
        public WellnessOptions Wellness { get; set; }

        /// <summary>Low-battery threshold and hysteresis, and how often the gauge is read.</summary>
        public BatteryOptions Battery { get; private set; }

        /// <summary>
        /// The radio schedule of a battery device (radio off between sends, up at once for an alarm; Core/Power); used
        /// when the hardware has <see cref="WearableHardware.RadioPower"/>. Null (the default): the link stays up.
        /// </summary>
        public RadioScheduleOptions RadioSchedule { get; set; }

        /// <summary>
        /// The GNSS duty cycle of a watch (a fix window every period, sooner near a zone's edge; Core/Power); used with
        /// a geofence when the hardware has <see cref="WearableHardware.GnssPower"/>. Null (the default): the module
        /// stays on.
        /// </summary>
        public GnssDutyCycleOptions GnssDutyCycle { get; set; }

        /// <summary>
        /// 0 (the default): the accelerometer is read on every tick, a sample at a time. Above 0: the samples are read in
        /// a batch this often, as from the MPU-6050's FIFO while the ESP32 sleeps between reads (at most
        /// <see cref="AccelerometerFifoSamples"/>); the detector runs on each batch as it is read.
        /// </summary>
        public int AccelerometerBatchMilliseconds { get; set; }

        /// <summary>
        /// With batches: after a sample at the detector's impact threshold, read every tick this long (the detector
        /// decides 1.8 s after the impact), so the batch period does not delay an alarm (<see cref="Power.AccelerometerBatching"/>).
        /// </summary>
        public int AccelerometerFollowMilliseconds { get; set; }

        /// <summary>The MPU-6050's FIFO: 1024 bytes, 6 per accelerometer-only sample (PS-MPU-6000A rev 3.4, 7.17).</summary>
        public const int AccelerometerFifoSamples = 170;

        /// <summary>Sent in heartbeats as <c>fw</c>: 1-24 of 0-9, a-z, A-Z, '.', '-', '+'.</summary>
        public string FirmwareVersion { get; set; }

        /// <summary>Returns null when valid, else the first problem in words.</summary>
        public string Validate()
        {
            if (!EventCodec.IsValidDeviceId(DeviceId))
            {
                return "DeviceId must be 1-32 of a-z, 0-9, '-'";
            }

            if (HeartbeatIntervalSeconds < 1 || HeartbeatIntervalSeconds > 86400)
            {
                return "HeartbeatIntervalSeconds must be 1..86400";
            }

            if (AckTimeoutMilliseconds < 100 || AckTimeoutMilliseconds > 120000)
            {
                return "AckTimeoutMilliseconds must be 100..120000";
            }

            if (CancelWindowMilliseconds < 0 || CancelWindowMilliseconds > 600000)
            {
                return "CancelWindowMilliseconds must be 0..600000";
            }

            if (HelpReminderSeconds < 0 || HelpReminderSeconds > 3600)
            {
                return "HelpReminderSeconds must be 0..3600";
            }

            if (Placement != "neck" && Placement != "wrist" && Placement != "waist")
            {
                return "Placement must be neck, wrist or waist";
            }

            if (!HeartbeatFields.IsValidFirmwareVersion(FirmwareVersion))
            {
                return "FirmwareVersion must be 1-24 of 0-9, a-z, A-Z, '.', '-', '+'";
            }

            if (AccelerometerBatchMilliseconds < 0 || AccelerometerBatchMilliseconds > 3000)
            {
                return "AccelerometerBatchMilliseconds must be 0..3000 (the FIFO holds 3.4 s at 50 Hz)";
            }

            if (AccelerometerFollowMilliseconds < 0 || AccelerometerFollowMilliseconds > 10000)
            {
                return "AccelerometerFollowMilliseconds must be 0..10000";
            }

            string problem = Button.Validate();
            if (problem == null && RadioSchedule != null)
            {
                problem = RadioSchedule.Validate();
            }

            if (problem == null && Geofence != null)
            {
                problem = Geofence.Validate();
            }

            if (problem == null && GnssDutyCycle != null)
            {
                problem = GnssDutyCycle.Validate();
            }

            if (problem == null && Wellness != null)
            {
                problem = Wellness.Validate();
            }

            if (problem == null)
            {
                problem = Battery.Validate();
            }

            return problem != null ? problem : Outbox.Validate();
        }
    }
}
