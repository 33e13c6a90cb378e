using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// The lanes of this gateway, in priority order: lanes are data. The table below is the one place a lane is defined
/// (a fourth lane is one more line, plus its stream count in <see cref="ForwarderOptions"/>); which event type travels
/// in which lane stays in <see cref="EventTypes.LaneOf"/>. The store, the forwarder and housekeeping all read lanes
/// from here.
/// </summary>
public sealed class LaneSet
{
    // Priority order (first forwarded first). Code: what the store writes; never renumber or reuse one (stores on
    // disk hold it). Alarm and telemetry kept the codes they had before lanes were data (0 and 1).
    private static readonly (string Name, int Code, bool Urgent, bool Evictable, Func<ForwarderOptions, int> Streams)[] Table =
    [
        (EventTypes.AlarmLane, 0, Urgent: true, Evictable: false, o => o.AlarmStreams),
        (EventTypes.ServiceLane, 2, Urgent: false, Evictable: false, o => o.ServiceStreams),
        (EventTypes.TelemetryLane, 1, Urgent: false, Evictable: true, o => o.TelemetryStreams),
    ];

    private readonly Dictionary<string, Lane> _byName;
    private readonly Dictionary<int, Lane> _byCode;

    private LaneSet(IReadOnlyList<Lane> lanes)
    {
        InPriorityOrder = lanes;
        _byName = lanes.ToDictionary(l => l.Name, StringComparer.Ordinal);
        _byCode = lanes.ToDictionary(l => l.Code);
    }

    /// <summary>Every lane, the first forwarded first.</summary>
    public IReadOnlyList<Lane> InPriorityOrder { get; }

    /// <summary>The lanes with their stream counts from the forwarder's options.</summary>
    public static LaneSet Create(ForwarderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new LaneSet(Table.Select((row, priority) => new Lane(row.Name, row.Code, priority, row.Streams(options), row.Urgent, row.Evictable)).ToList());
    }

    public Lane this[string name] =>
        _byName.TryGetValue(name, out var lane) ? lane : throw new ArgumentException($"no lane named '{name}' (lanes: {string.Join(", ", _byName.Keys)})", nameof(name));

    /// <summary>The lane a stored code stands for; throws for a code no lane has (a store written by a newer gateway).</summary>
    public Lane ByCode(int code) =>
        _byCode.TryGetValue(code, out var lane) ? lane : throw new InvalidOperationException($"the store holds lane code {code}, which no lane of this gateway has");

    public Lane Alarm => this[EventTypes.AlarmLane];

    /// <summary>The codes of the lanes kept until forwarded (never evicted), whatever the stream counts: the lanes a
    /// store's feed index covers (<see cref="SqliteSchema.FeedLanes"/>).</summary>
    internal static IEnumerable<int> KeptCodes => Table.Where(row => !row.Evictable).Select(row => row.Code).Order();
}
