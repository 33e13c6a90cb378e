using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.VirtualDevice.Adapters;

/// <summary>A button pressed by a script, a test or the console: held until a given uptime.</summary>
public sealed class ScriptedButton(IClock clock) : IButton
{
    private long _releaseAtMilliseconds = long.MinValue;

    public bool IsPressed => clock.UptimeMilliseconds < Interlocked.Read(ref _releaseAtMilliseconds);

    /// <summary>Holds the button down for the given time from now.</summary>
    public void Hold(int milliseconds) =>
        Interlocked.Exchange(ref _releaseAtMilliseconds, clock.UptimeMilliseconds + milliseconds);
}
