namespace Eldercare.Firmware.Core.Outbox
{
    /// <summary>
    /// Bounds of the persistent outbox. Defaults fit the ESP32's flash partition with
    /// room to spare: ~300 bytes a blob, 256 blobs = 77 KB.
    /// </summary>
    public sealed class OutboxOptions
    {
        public OutboxOptions()
        {
            Capacity = 256;
            TelemetryQuota = 128;
        }

        /// <summary>Most events held in total (alarms and telemetry).</summary>
        public int Capacity { get; set; }

        /// <summary>Most telemetry events held; the rest of the capacity is kept for alarms.</summary>
        public int TelemetryQuota { get; set; }

        /// <summary>Returns null if valid, else what is wrong.</summary>
        public string Validate()
        {
            if (Capacity < 2)
            {
                return "Outbox Capacity must be at least 2";
            }

            if (TelemetryQuota < 1 || TelemetryQuota >= Capacity)
            {
                return "Outbox TelemetryQuota must be 1..Capacity-1";
            }

            return null;
        }
    }
}
