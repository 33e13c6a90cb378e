using System.Diagnostics;
using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.VirtualDevice.Adapters;

/// <summary>Host clock: monotonic uptime from a Stopwatch, wall clock with an optional skew (to test wrong device clocks).</summary>
public sealed class SystemClock : IClock
{
    private readonly Stopwatch _uptime = Stopwatch.StartNew();

    public SystemClock(long skewMilliseconds = 0) => SkewMilliseconds = skewMilliseconds;

    public long SkewMilliseconds { get; set; }

    public long UptimeMilliseconds => _uptime.ElapsedMilliseconds;

    public long UtcNowUnixMilliseconds => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + SkewMilliseconds;
}
