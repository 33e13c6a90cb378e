#nullable disable // nanoFramework has no nullable annotations; this file is also compiled into the host tests (tests/Firmware.Tests).
namespace Eldercare.Firmware.Devices
{
    /// <summary>
    /// Whether a wearable's loop may light-sleep now, and how long (pure, tested on the host). Light sleep stops the CPU
    /// and every thread: only when the radio schedule has the radio off (Sleep.StartLightSleep refuses while Wi-Fi runs),
    /// the accelerometer batch is not due (the sensor fills its FIFO meanwhile), the SOS button is up (a press wakes the
    /// chip through its RTC pin), no indicator pattern plays (its timer would stretch), and the device is not on a HIL
    /// rig (the serial link would lose bytes: no sleep in the first minute after a boot, so a rig resets the board and
    /// starts talking, and never again once a HIL byte came).
    /// </summary>
    public static class LightSleepGate
    {
        /// <summary>Shorter naps cost more in wake-up than they save.</summary>
        public const long MinimumMilliseconds = 30;

        /// <summary>No sleep this long after a boot (a HIL rig starts its session then).</summary>
        public const long AwakeAfterBootMilliseconds = 60000;

        /// <returns>milliseconds to sleep, 0 for "tick again"</returns>
        public static long Milliseconds(long uptime, long untilNextRead, bool radioOff, bool buttonPressed, bool indicatorIdle, bool hilUsed)
        {
            if (!radioOff || buttonPressed || !indicatorIdle || hilUsed || uptime < AwakeAfterBootMilliseconds)
            {
                return 0;
            }

            return untilNextRead >= MinimumMilliseconds ? untilNextRead : 0;
        }
    }
}
