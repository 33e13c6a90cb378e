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

        /// <summary>A card tapped on a kiosk: the elder is there (<c>card</c>).</summary>
        public const string CheckIn = "checkin";

        /// <summary>A 六助 service requested at a kiosk (<c>svc</c>, and <c>card</c> when a card was tapped).</summary>
        public const string ServiceRequest = "service";

        public const string AlarmLane = "alarm";

        /// <summary>Requests for a service and what answers them: after alarms, before telemetry.</summary>
        public const string ServiceLane = "service";
        public const string TelemetryLane = "telemetry";

        /// <summary>True for a type this version of the format knows.</summary>
        public static bool IsKnown(string type)
        {
            return type == Sos || type == SosCancel || type == Fall || type == FallCancel || type == Heartbeat
                || type == CheckIn || type == ServiceRequest;
        }

        /// <summary>Alarms overtake telemetry at every hop and are never dropped to make room.</summary>
        public static bool IsAlarm(string type)
        {
            return type == Sos || type == SosCancel || type == Fall || type == FallCancel;
        }

        /// <summary>
        /// An event a person acknowledges (the platform's operator, the service center): an alarm, not the elder's own
        /// cancel of one. The acknowledgement goes back to the device as "help is coming" (docs/wire-format.md "Commands").
        /// </summary>
        public static bool IsAcknowledgeable(string type)
        {
            return (IsAlarm(type) && type != SosCancel && type != FallCancel) || type == ServiceRequest;
        }

        public static string LaneOf(string type)
        {
            if (IsAlarm(type))
            {
                return AlarmLane;
            }

            return type == CheckIn || type == ServiceRequest ? ServiceLane : TelemetryLane;
        }
    }
}
