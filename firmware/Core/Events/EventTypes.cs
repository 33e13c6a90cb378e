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

        /// <summary>Left every safe zone (confirmed): an alarm, with the last good position.</summary>
        public const string Geofence = "geofence";

        /// <summary>Back in a safe zone after a geofence alarm, with the position (service lane).</summary>
        public const string GeofenceReturn = "geofence_return";

        /// <summary>No good GNSS fix for a while: a status, never an alarm; carries the last good position if any.</summary>
        public const string NoPosition = "no_position";

        /// <summary>No significant movement for the wellness period within waking hours: an alarm (Core/Wellness).</summary>
        public const string Wellness = "wellness";

        /// <summary>The wearable lies flat and perfectly still (off the body): a status, once per episode, never an alarm.</summary>
        public const string NotWorn = "not_worn";

        /// <summary>The battery fell below the low threshold (once per crossing, re-armed above the hysteresis level).</summary>
        public const string BatteryLow = "battery_low";

        /// <summary>The device was put on the charger.</summary>
        public const string Charging = "charging";

        /// <summary>A configuration downlink was checked, kept and applied: <c>ref</c> is its version (service lane).</summary>
        public const string ConfigApplied = "config_applied";

        /// <summary>A configuration downlink was refused and changed nothing: <c>ref</c> is its version, <c>info</c> why.</summary>
        public const string ConfigRejected = "config_rejected";

        /// <summary>
        /// Made by the gateway, never by a device: the device named in <c>subj</c> went silent (missed heartbeats) or lost
        /// its connection without DISCONNECT (its MQTT last will). An alarm: an elder living alone may be behind it.
        /// </summary>
        public const string DeviceOffline = "device_offline";

        /// <summary>Made by the gateway: the device in <c>subj</c> is back (an event from it); clears the
        /// <see cref="DeviceOffline"/> alarm whose seq is <c>ref</c>, as a cancel does. Alarm lane, so it never
        /// overtakes its alarm, and not acknowledgeable.</summary>
        public const string DeviceOnline = "device_online";

        /// <summary>Made by the gateway's console (the community service center's desk), never by a device: an operator
        /// took (acknowledged) the alarm named in <c>info</c> (<c>ref=&lt;event id&gt;;by=center;wait=&lt;s&gt;s</c>) about the
        /// device in <c>subj</c>, so the platform knows someone is on it. Service lane: it reports, it is not an alarm.</summary>
        public const string AlarmTaken = "alarm_taken";

        /// <summary>Lane names: the gateway's lane table (edge/Gateway/Store/LaneSet.cs) orders them and gives each
        /// its stored code; which type travels in which lane is decided here only (<see cref="LaneOf"/>).</summary>
        public const string AlarmLane = "alarm";

        /// <summary>Requests for a service and what answers them (kiosk requests, check-ins, geofence returns): after
        /// alarms, before telemetry, never evicted.</summary>
        public const string ServiceLane = "service";

        public const string TelemetryLane = "telemetry";

        /// <summary>True for a type this version of the format knows.</summary>
        public static bool IsKnown(string type)
        {
            return type == Sos || type == SosCancel || type == Fall || type == FallCancel || type == Heartbeat
                || type == CheckIn || type == ServiceRequest
                || type == Geofence || type == GeofenceReturn || type == NoPosition
                || type == Wellness || type == NotWorn || type == BatteryLow || type == Charging
                || type == DeviceOffline || type == DeviceOnline || type == AlarmTaken || type == ConfigApplied || type == ConfigRejected;
        }

        /// <summary>Alarms overtake telemetry at every hop and are never dropped to make room.</summary>
        public static bool IsAlarm(string type)
        {
            return type == Sos || type == SosCancel || type == Fall || type == FallCancel || type == Geofence || type == Wellness
                || type == DeviceOffline || type == DeviceOnline;
        }

        /// <summary>
        /// Types only the gateway makes, about the device in <c>subj</c>: a device that sends one is refused
        /// (<see cref="RejectReasons.TypeNotAllowed"/>), since it could otherwise raise or clear another device's alarm.
        /// </summary>
        public static bool IsGatewayMade(string type)
        {
            return type == DeviceOffline || type == DeviceOnline || type == AlarmTaken;
        }

        /// <summary>Types that mean nothing without a position: the decoder refuses them without lat/lon.</summary>
        public static bool NeedsPosition(string type)
        {
            return type == Geofence || type == GeofenceReturn;
        }

        /// <summary>
        /// An event a person acknowledges (the platform's operator, the service center): an alarm, not the elder's own
        /// cancel of one. The acknowledgement goes back to the device as "help is coming" (docs/wire-format.md "Commands").
        /// </summary>
        public static bool IsAcknowledgeable(string type)
        {
            return (IsAlarm(type) && type != SosCancel && type != FallCancel && type != DeviceOnline) || type == ServiceRequest;
        }

        /// <summary>The one mapping of event types to lanes (device, gateway, bench and tests all ask here).</summary>
        public static string LaneOf(string type)
        {
            if (IsAlarm(type))
            {
                return AlarmLane;
            }

            return type == CheckIn || type == ServiceRequest || type == GeofenceReturn || type == NoPosition
                || type == NotWorn || type == BatteryLow || type == Charging || type == AlarmTaken
                || type == ConfigApplied || type == ConfigRejected ? ServiceLane : TelemetryLane;
        }
    }
}
