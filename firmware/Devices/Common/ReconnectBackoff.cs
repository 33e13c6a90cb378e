#nullable disable // nanoFramework has no nullable annotations; this file is also compiled into the host tests (tests/Firmware.Tests).
namespace Eldercare.Firmware.Devices
{
    /// <summary>
    /// How long the device waits before its next Wi-Fi / MQTT connect attempt. M2Mqtt never reconnects by itself
    /// (its ConnectionClosed event is all it gives, ../shared/NANOFRAMEWORK.md), so the device owns the loop:
    /// exponential backoff from <see cref="FirstDelayMilliseconds"/> to <see cref="MaxDelayMilliseconds"/> with "equal
    /// jitter" (half of the step fixed, half random), so a community of devices coming back after a gateway restart
    /// does not reconnect in lockstep. Pure: the caller passes the random part, so tests pin every value.
    /// </summary>
    public sealed class ReconnectBackoff
    {
        public ReconnectBackoff(int firstDelayMilliseconds, int maxDelayMilliseconds)
        {
            FirstDelayMilliseconds = firstDelayMilliseconds < 1 ? 1 : firstDelayMilliseconds;
            MaxDelayMilliseconds = maxDelayMilliseconds < FirstDelayMilliseconds ? FirstDelayMilliseconds : maxDelayMilliseconds;
        }

        public int FirstDelayMilliseconds { get; private set; }

        public int MaxDelayMilliseconds { get; private set; }

        /// <summary>Failed attempts since the last successful connect.</summary>
        public int Failures { get; private set; }

        /// <summary>The step before jitter for the current number of failures: first * 2^(failures-1), capped.</summary>
        public int StepMilliseconds
        {
            get
            {
                long step = FirstDelayMilliseconds;
                for (int i = 1; i < Failures && step < MaxDelayMilliseconds; i++)
                {
                    step *= 2;
                }

                return step > MaxDelayMilliseconds ? MaxDelayMilliseconds : (int)step;
            }
        }

        /// <summary>Records a failed attempt and returns the wait before the next one. <paramref name="jitterPerMille"/> is 0..999 from the caller's random source.</summary>
        public int NextDelayMilliseconds(int jitterPerMille)
        {
            if (Failures < 30)
            {
                Failures++;
            }

            if (jitterPerMille < 0)
            {
                jitterPerMille = 0;
            }
            else if (jitterPerMille > 999)
            {
                jitterPerMille = 999;
            }

            int step = StepMilliseconds;
            int half = step / 2;
            return half + (int)((long)(step - half) * jitterPerMille / 1000);
        }

        /// <summary>A connect succeeded: the next failure starts from the first delay again.</summary>
        public void Reset()
        {
            Failures = 0;
        }
    }
}
