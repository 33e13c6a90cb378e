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
    }
}
