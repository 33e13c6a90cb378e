namespace Eldercare.Firmware.Core.Events
{
    /// <summary>
    /// Event type codes of wire format v1 (docs/wire-format.md) and the lane each one
    /// travels in. Strings, not an enum: nanoFramework's Enum.ToString gives numbers.
    /// </summary>
    public static class EventTypes
    {
        public const string Sos = "sos";
        public const string SosCancel = "sos_cancel";
        public const string Fall = "fall";
        public const string FallCancel = "fall_cancel";
        public const string Heartbeat = "heartbeat";

        /// <summary>Lane names: the gateway's lane table (edge/Gateway/Store/LaneSet.cs) orders them and gives each
        /// its stored code; which type travels in which lane is decided here only (<see cref="LaneOf"/>).</summary>
        public const string AlarmLane = "alarm";

        /// <summary>Requests for a service and what answers them (kiosk requests, check-ins, battery): after alarms,
        /// before telemetry, never evicted. No v1 type maps here yet.</summary>
        public const string ServiceLane = "service";

        public const string TelemetryLane = "telemetry";

        /// <summary>True for a type this version of the format knows.</summary>
        public static bool IsKnown(string type)
        {
            return type == Sos || type == SosCancel || type == Fall || type == FallCancel || type == Heartbeat;
        }

        /// <summary>Alarms overtake telemetry at every hop and are never dropped to make room.</summary>
        public static bool IsAlarm(string type)
        {
            return type == Sos || type == SosCancel || type == Fall || type == FallCancel;
        }

        /// <summary>The one mapping of event types to lanes (device, gateway, bench and tests all ask here).</summary>
        public static string LaneOf(string type)
        {
            return IsAlarm(type) ? AlarmLane : TelemetryLane;
        }
    }
}
