namespace Eldercare.Firmware.Core.Identity
{
    /// <summary>The version of this firmware core, sent in every heartbeat (<c>fw</c>) by every device kind; bumped with each release.</summary>
    public static class FirmwareRelease
    {
        public const string Version = "0.14.0";
    }
}
