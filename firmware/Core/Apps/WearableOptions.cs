using Eldercare.Firmware.Core.Battery;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Geofence;
using Eldercare.Firmware.Core.Outbox;
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

            string problem = Button.Validate();
            if (problem == null && Geofence != null)
            {
                problem = Geofence.Validate();
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
