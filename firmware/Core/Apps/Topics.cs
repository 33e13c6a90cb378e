namespace Eldercare.Firmware.Core.Apps
{
    /// <summary>MQTT topics of wire format v1 (docs/wire-format.md).</summary>
    public static class Topics
    {
        public const string Root = "eldercare/v1/devices/";

        public static string Events(string deviceId)
        {
            return Root + deviceId + "/events";
        }

        public static string Status(string deviceId)
        {
            return Root + deviceId + "/status";
        }

        public static string Commands(string deviceId)
        {
            return Root + deviceId + "/commands";
        }
    }
}
