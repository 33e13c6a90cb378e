using System.Collections.Concurrent;

namespace Eldercare.Edge.Gateway.Health;

/// <summary>What a device's last heartbeat said (docs/wire-format.md: <c>fw</c>, <c>rssi</c>, <c>bat</c>).</summary>
public readonly record struct DeviceFact(string? FirmwareVersion, int? SignalDbm, int? BatteryPercent, long AtUnixMilliseconds);

/// <summary>
/// Each device's last heartbeat facts, kept in memory by ingest for the console's devices list (firmware version,
/// signal, battery). Not durable on purpose: a heartbeat a minute refills it after a restart, and the store keeps every
/// heartbeat anyway. One dictionary write per stored heartbeat.
/// </summary>
public sealed class DeviceFacts
{
    private readonly ConcurrentDictionary<string, DeviceFact> _facts = new(StringComparer.Ordinal);

    public void Heartbeat(string deviceId, DeviceFact fact) =>
        _facts.AddOrUpdate(deviceId, fact, (_, old) => fact.AtUnixMilliseconds >= old.AtUnixMilliseconds ? fact : old);

    public bool TryGet(string deviceId, out DeviceFact fact) => _facts.TryGetValue(deviceId, out fact);
}
