namespace Eldercare.Firmware.Core.Events
{
    /// <summary>
    /// MQTT topics of wire format v1 (docs/wire-format.md, "MQTT"): the one place they are spelled. The device
    /// publishes on them, the gateway's ACL and subscriptions, the bench and the tests build on them.
    /// </summary>
    public static class Topics
    {
        /// <summary>Every device topic starts with this; the version segment changes only with the wire format.</summary>
        public const string Root = "eldercare/v1/devices/";

        /// <summary>Device to gateway: one event per message.</summary>
        public const string EventsSuffix = "/events";

        /// <summary>Device to gateway: <c>online</c> on connect, last will <c>offline</c>.</summary>
        public const string StatusSuffix = "/status";

        /// <summary>Gateway to device: downlinks.</summary>
        public const string CommandsSuffix = "/commands";

        /// <summary>
        /// The MQTT single-level wildcard (MQTT 3.1.1 section 4.7.1.3) in place of a device id: a subscriber's filter
        /// for every device, e.g. <c>Events(AnyDevice)</c>. Never a valid device id, so never a topic a device may use.
        /// </summary>
        public const string AnyDevice = "+";

        public static string Events(string deviceId)
        {
            return Root + deviceId + EventsSuffix;
        }

        public static string Status(string deviceId)
        {
            return Root + deviceId + StatusSuffix;
        }

        public static string Commands(string deviceId)
        {
            return Root + deviceId + CommandsSuffix;
        }
    
        /// <summary>
        /// Gateway to platform (an IoT platform's MQTT broker, docs/wire-format.md "Upstream MQTT"): every upstream topic
        /// starts with this; then the gateway's id, <c>/events/</c> and the event's lane, so alarms have a topic of their own.
        /// </summary>
        public const string PlatformRoot = "eldercare/v1/platform/";

        /// <summary>Between the gateway's id and the lane in an upstream topic.</summary>
        public const string PlatformEventsInfix = "/events/";

        /// <summary>A platform consumer's filter: every gateway's events in every lane.</summary>
        public const string PlatformEventsFilter = PlatformRoot + AnyDevice + PlatformEventsInfix + "+";

        /// <summary>Where a gateway publishes one event of <paramref name="lane"/>: <c>eldercare/v1/platform/gw-01/events/alarm</c>.</summary>
        public static string PlatformEvents(string gatewayId, string lane)
        {
            return string.Concat(PlatformRoot, gatewayId, PlatformEventsInfix) + lane;
        }

        /// <summary>
        /// The gateway id and lane of an upstream topic; false for anything else (a topic of another shape, an empty or
        /// wildcard segment).
        /// </summary>
        public static bool TryParsePlatformEvents(string topic, out string gatewayId, out string lane)
        {
            gatewayId = string.Empty;
            lane = string.Empty;
            if (topic == null || topic.IndexOf(PlatformRoot) != 0)
            {
                return false;
            }

            var rest = topic.Substring(PlatformRoot.Length);
            var infix = rest.IndexOf(PlatformEventsInfix);
            if (infix <= 0)
            {
                return false;
            }

            var gateway = rest.Substring(0, infix);
            var laneText = rest.Substring(infix + PlatformEventsInfix.Length);
            if (laneText.Length == 0 || gateway.IndexOf('/') >= 0 || laneText.IndexOf('/') >= 0
                || gateway.IndexOf('+') >= 0 || gateway.IndexOf('#') >= 0 || laneText.IndexOf('+') >= 0 || laneText.IndexOf('#') >= 0)
            {
                return false;
            }

            gatewayId = gateway;
            lane = laneText;
            return true;
        }
    }
}
