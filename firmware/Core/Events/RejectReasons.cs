namespace Eldercare.Firmware.Core.Events
{
    /// <summary>Reason codes for rejected input (docs/wire-format.md, "Rejections").</summary>
    public static class RejectReasons
    {
        public const string MalformedJson = "malformed_json";
        public const string TooLarge = "too_large";
        public const string BadVersion = "bad_version";
        public const string MissingField = "missing_field";
        public const string BadField = "bad_field";
        public const string UnknownField = "unknown_field";
        public const string UnknownType = "unknown_type";

        /// <summary>A type only the gateway makes (<see cref="EventTypes.IsGatewayMade"/>) sent by a device.</summary>
        public const string TypeNotAllowed = "type_not_allowed";
        public const string IdMismatch = "id_mismatch";
        public const string DeviceMismatch = "device_mismatch";
        public const string TopicNotAllowed = "topic_not_allowed";
        public const string BadCredentials = "bad_credentials";
        public const string UnknownDevice = "unknown_device";
    }
}
