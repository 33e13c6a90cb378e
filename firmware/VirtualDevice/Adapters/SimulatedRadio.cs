using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.VirtualDevice.Adapters;

/// <summary>
/// The twin's Wi-Fi signal: a fixed level per device (-45..-75 dBm, from its seed: some flats are far from the access
/// point) with ±2 dB of jitter, and none while the MQTT link is down.
/// </summary>
public sealed class SimulatedRadio(Func<bool> isConnected, int seed) : IRadio
{
    private readonly Random _random = new(seed);
    private readonly int _levelDbm = -45 - (Math.Abs(seed) % 31);
    private readonly object _lock = new();

    public int ReadSignalDbm()
    {
        if (!isConnected())
        {
            return int.MinValue;
        }

        lock (_lock)
        {
            return _levelDbm + _random.Next(-2, 3);
        }
    }
}
