using System.Collections.Concurrent;

namespace Eldercare.Edge.Gateway.Health;

/// <summary>What a device's last heartbeat said (docs/wire-format.md: <c>fw</c>, <c>rssi</c>, <c>bat</c>).</summary>
public readonly record struct DeviceFact(string? FirmwareVersion, int? SignalDbm, int? BatteryPercent, long AtUnixMilliseconds);

/// <summary>
/// Each device's last heartbeat facts, kept in memory by ingest for the console's devices list (firmware version,
/// signal, battery). Not durable on purpose: a heartbeat a minute refills it after a restart, and the store keeps every
/// heartbeat anyway. A heartbeat allocates nothing here once its device is known: each device has one slot, updated in
/// place (an immutable entry per heartbeat was a dictionary node, a closure and a delegate, each living until the next
/// heartbeat and so surviving the garbage collections in between), and an unchanged firmware version keeps its string.
/// </summary>
public sealed class DeviceFacts
{
    private readonly ConcurrentDictionary<string, Slot> _facts = new(StringComparer.Ordinal);

    public void Heartbeat(string deviceId, DeviceFact fact)
    {
        var slot = _facts.GetOrAdd(deviceId, static _ => new Slot());
        lock (slot)
        {
            if (slot.Known && fact.AtUnixMilliseconds < slot.Fact.AtUnixMilliseconds)
            {
                return;
            }

            slot.Fact = slot.Known && string.Equals(slot.Fact.FirmwareVersion, fact.FirmwareVersion, StringComparison.Ordinal)
                ? fact with { FirmwareVersion = slot.Fact.FirmwareVersion }
                : fact;
            slot.Known = true;
        }
    }

    public bool TryGet(string deviceId, out DeviceFact fact)
    {
        if (_facts.TryGetValue(deviceId, out var slot))
        {
            lock (slot)
            {
                fact = slot.Fact;
                return slot.Known;
            }
        }

        fact = default;
        return false;
    }

    private sealed class Slot
    {
        public DeviceFact Fact;

        public bool Known;
    }
}
