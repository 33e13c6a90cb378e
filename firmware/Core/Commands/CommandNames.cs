namespace Eldercare.Firmware.Core.Commands
{
    /// <summary>The <c>cmd</c> values of wire format v1's command topic.</summary>
    public static class CommandNames
    {
        /// <summary>A person (the service center or the platform's operator) has seen the alarm <c>ref</c>: help is coming.</summary>
        public const string Ack = "ack";

        /// <summary>New settings (<see cref="DeviceConfig"/>), version <c>ver</c>: the device checks, applies, keeps and reports them.</summary>
        public const string Config = "config";

        public static bool IsKnown(string name)
        {
            return name == Ack || name == Config;
        }
    }
}
