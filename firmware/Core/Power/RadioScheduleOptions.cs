namespace Eldercare.Firmware.Core.Power
{
    /// <summary>
    /// The radio schedule of a battery device (<see cref="RadioSchedule"/>). The scheduled session's period is the
    /// heartbeat period (<see cref="Apps.WearableOptions.HeartbeatIntervalSeconds"/>, changed by a configuration downlink):
    /// each session sends the heartbeat and whatever telemetry queued since, and picks up the downlinks the gateway kept.
    /// </summary>
    public sealed class RadioScheduleOptions
    {
        /// <summary>
        /// The heartbeat (= scheduled session) period of a battery device, seconds: the one owner of this figure. The
        /// gateway's <c>Gateway:DeviceHealth:HeartbeatIntervalSeconds</c> defaults to it (device offline after 3 missed
        /// = 45 min), and hardware/power-budget.json's session load is computed from it.
        /// </summary>
        public const int DefaultHeartbeatSeconds = 900;

        public RadioScheduleOptions()
        {
            AlarmHoldSeconds = 300;
            AlarmPollSeconds = 60;
            AlarmFollowSeconds = 1800;
            LingerMilliseconds = 1500;
            SessionLimitSeconds = 60;
            BatchLimit = 16;
        }

        /// <summary>After an alarm left the outbox, the radio stays up this long for the "help is coming" acknowledgement.</summary>
        public int AlarmHoldSeconds { get; set; }

        /// <summary>After the hold, while still no person acknowledged it, a short session this often picks the acknowledgement up.</summary>
        public int AlarmPollSeconds { get; set; }

        /// <summary>Polling ends this long after the alarm; the scheduled sessions still deliver a later acknowledgement.</summary>
        public int AlarmFollowSeconds { get; set; }

        /// <summary>A session stays connected this long after it came up, and until the outbox is empty: downlinks the
        /// gateway kept in the persistent session arrive right after the CONNACK.</summary>
        public int LingerMilliseconds { get; set; }

        /// <summary>A session (scheduled or poll) ends after this whatever happens (no gateway, no PUBACK): the outbox
        /// keeps its events for the next one. An alarm waiting in the outbox keeps the radio up regardless.</summary>
        public int SessionLimitSeconds { get; set; }

        /// <summary>This many events waiting bring the next session forward (the outbox is bounded).</summary>
        public int BatchLimit { get; set; }

        /// <summary>Returns null when valid, else the first problem in words.</summary>
        public string Validate()
        {
            if (AlarmHoldSeconds < 0 || AlarmHoldSeconds > 3600)
            {
                return "AlarmHoldSeconds must be 0..3600";
            }

            if (AlarmPollSeconds < 5 || AlarmPollSeconds > 3600)
            {
                return "AlarmPollSeconds must be 5..3600";
            }

            if (AlarmFollowSeconds < AlarmHoldSeconds || AlarmFollowSeconds > 86400)
            {
                return "AlarmFollowSeconds must be AlarmHoldSeconds..86400";
            }

            if (LingerMilliseconds < 0 || LingerMilliseconds > 60000)
            {
                return "LingerMilliseconds must be 0..60000";
            }

            if (SessionLimitSeconds < 5 || SessionLimitSeconds > 600)
            {
                return "SessionLimitSeconds must be 5..600";
            }

            return BatchLimit < 1 ? "BatchLimit must be >= 1" : null;
        }
    }
}
