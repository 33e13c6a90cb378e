namespace Eldercare.Firmware.Core.Hardware
{
    /// <summary>
    /// Time, injected everywhere so that logic never reads the system clock and tests
    /// move a fake clock instead of sleeping.
    /// </summary>
    public interface IClock
    {
        /// <summary>Monotonic milliseconds since start; never jumps. Used for timeouts and state machines.</summary>
        long UptimeMilliseconds { get; }

        /// <summary>Wall clock, milliseconds since the Unix epoch (UTC). May be wrong (no RTC, no SNTP yet).</summary>
        long UtcNowUnixMilliseconds { get; }
    }
}
