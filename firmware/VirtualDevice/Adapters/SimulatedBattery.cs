using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.VirtualDevice.Adapters;

/// <summary>A battery that loses one percent per <c>minutesPerPercent</c> of uptime.</summary>
public sealed class SimulatedBattery(IClock clock, int startPercent = 100, int minutesPerPercent = 30) : IBattery
{
    public int ReadPercent() =>
        Math.Max(0, startPercent - (int)(clock.UptimeMilliseconds / (minutesPerPercent * 60_000L)));
}
