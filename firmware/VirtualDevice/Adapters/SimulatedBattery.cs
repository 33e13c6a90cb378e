using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.VirtualDevice.Adapters;

/// <summary>
/// A battery that loses one percent per <c>minutesPerPercent</c> of uptime off the charger and gains
/// <see cref="PercentPerMinuteCharging"/> on it (<see cref="PutOnCharger"/>, <see cref="TakeOffCharger"/>: the console's
/// <c>charge ID</c> / <c>unplug ID</c>). Thread-safe: the console sets it, the device loop reads it.
/// </summary>
public sealed class SimulatedBattery(IClock clock, int startPercent = 100, int minutesPerPercent = 30) : IBattery
{
    /// <summary>A phone-style charger fills a small wearable cell in ~1.5 h.</summary>
    public const double PercentPerMinuteCharging = 1.2;

    private readonly object _lock = new();
    private double _percentAtChange = startPercent;
    private long _changedAtMilliseconds;
    private bool _charging;

    public bool IsCharging
    {
        get
        {
            lock (_lock)
            {
                return _charging;
            }
        }
    }

    public void PutOnCharger() => SetCharging(true);

    public void TakeOffCharger() => SetCharging(false);

    /// <summary>Sets the level now (a demo of <c>battery_low</c>).</summary>
    public void SetPercent(int percent)
    {
        lock (_lock)
        {
            _percentAtChange = Math.Clamp(percent, 0, 100);
            _changedAtMilliseconds = clock.UptimeMilliseconds;
        }
    }

    public int ReadPercent()
    {
        lock (_lock)
        {
            return (int)Math.Clamp(Math.Floor(PercentAt(clock.UptimeMilliseconds)), 0, 100);
        }
    }

    public bool ReadCharging() => IsCharging;

    private void SetCharging(bool charging)
    {
        lock (_lock)
        {
            long now = clock.UptimeMilliseconds;
            _percentAtChange = Math.Clamp(PercentAt(now), 0, 100);
            _changedAtMilliseconds = now;
            _charging = charging;
        }
    }

    private double PercentAt(long uptimeMilliseconds)
    {
        double minutes = (uptimeMilliseconds - _changedAtMilliseconds) / 60_000.0;
        return _charging ? _percentAtChange + (minutes * PercentPerMinuteCharging) : _percentAtChange - (minutes / minutesPerPercent);
    }
}
