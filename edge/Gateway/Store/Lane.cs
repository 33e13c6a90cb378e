namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// One lane of the gateway: a name the event types map to (<see cref="Eldercare.Firmware.Core.Events.EventTypes.LaneOf"/>),
/// the code the store writes for it, its place in the forwarding order and how many forward streams share its
/// devices. Made only by <see cref="LaneSet"/>, whose table is the one place lanes are defined.
/// </summary>
public sealed record Lane
{
    internal Lane(string name, int code, int priority, int shards, bool urgent, bool evictable)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        Name = name;
        Code = code;
        Priority = priority;
        Shards = shards;
        Urgent = urgent;
        Evictable = evictable;
    }

    /// <summary>The lane's name on the wire and upstream (<c>alarm</c>, <c>service</c>, <c>telemetry</c>).</summary>
    public string Name { get; }

    /// <summary>What the store writes in its <c>lane</c> column; fixed for ever once a store holds it.</summary>
    public int Code { get; }

    /// <summary>0 is forwarded first; a lane waits while any lane before it has a backlog.</summary>
    public int Priority { get; }

    /// <summary>Forward streams of this lane, each owning the devices of one shard (<see cref="ShardOf"/>).</summary>
    public int Shards { get; }

    /// <summary>
    /// Committed at once, ahead of everything else queued, and marked through the writer's priority queue: an event
    /// somebody waits for (an SOS) never shares a commit window with heartbeats.
    /// </summary>
    public bool Urgent { get; }

    /// <summary>May be evicted, oldest first and counted, under the disk quota (DESIGN.md invariant 4: telemetry only).</summary>
    public bool Evictable { get; }

    /// <summary>The shard of this lane that owns the device's events (<see cref="ShardRule"/>).</summary>
    public int ShardOf(string deviceId) => ShardRule.Of(deviceId, Shards);

    public override string ToString() => Name;
}
