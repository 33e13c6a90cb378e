using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Tests.Fakes;

/// <summary>A clock the test moves by hand: no sleeps.</summary>
public sealed class FakeClock(long startUnixMilliseconds = 1_763_870_000_000) : IClock
{
    public long UptimeMilliseconds { get; private set; }

    public long UtcNowUnixMilliseconds => startUnixMilliseconds + UptimeMilliseconds;

    public void Advance(long milliseconds) => UptimeMilliseconds += milliseconds;
}
