using Eldercare.Firmware.Core.Events;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// One event as the gateway keeps it: the decoded identity and lane, both timestamps, and the
/// device's original payload unchanged (it is forwarded as is). Gateway-generated events (e.g. a
/// future "device offline" alarm) use the same shape with their own id.
/// </summary>
public sealed record EventRecord
{
    public required string Id { get; init; }

    public required string DeviceId { get; init; }

    public required int BootEpoch { get; init; }

    public required int Sequence { get; init; }

    public required string Type { get; init; }

    /// <summary><see cref="EventTypes.AlarmLane"/> or <see cref="EventTypes.TelemetryLane"/>.</summary>
    public required string Lane { get; init; }

    public required long DeviceTimestampUnixMilliseconds { get; init; }

    public required long ReceivedUnixMilliseconds { get; init; }

    /// <summary>The device's JSON exactly as received.</summary>
    public required string Payload { get; init; }

    /// <summary>Device ts - gateway rx when the gateway flagged the device clock as wrong; null when within tolerance.</summary>
    public long? ClockSkewMilliseconds { get; init; }

    /// <summary>
    /// A device fault this event carries (<see cref="EventIdentity.IdConflict"/>: kept under a derived id because its
    /// id came before with another payload; <see cref="EventIdentity.SeqRegression"/>: its seq is lower than one
    /// already seen from the same boot epoch and lane); null for a healthy event. Forwarded upstream as <c>fault</c>.
    /// </summary>
    public string? Fault { get; init; }

    /// <summary>For an <see cref="EventIdentity.IdConflict"/>: the id the device gave it (Id is the derived one).</summary>
    public string? ConflictOf { get; init; }

    /// <summary><see cref="EventIdentity.PayloadDigest(string)"/> of <see cref="Payload"/>: tells a resend (same) from a
    /// reused id (different). Computed once, on first use.</summary>
    public ulong PayloadDigest
    {
        get => _payloadDigest ??= EventIdentity.PayloadDigest(Payload);
        init => _payloadDigest = value;
    }

    private ulong? _payloadDigest;

    /// <summary>Store order (SQLite rowid); 0 before the event is stored.</summary>
    public long StoreSequence { get; init; }

    public bool IsAlarm => Lane == EventTypes.AlarmLane;

    public static EventRecord FromDevice(DeviceEvent decoded, string payload, long receivedUnixMilliseconds) => new()
    {
        Id = decoded.Id,
        DeviceId = decoded.DeviceId,
        BootEpoch = decoded.BootEpoch,
        Sequence = decoded.Sequence,
        Type = decoded.Type,
        Lane = EventTypes.LaneOf(decoded.Type),
        DeviceTimestampUnixMilliseconds = decoded.TimestampUnixMilliseconds,
        ReceivedUnixMilliseconds = receivedUnixMilliseconds,
        Payload = payload,
    };

    /// <summary>This event kept under the derived id of its payload: its id came before with another payload.</summary>
    public EventRecord AsConflict() => this with
    {
        Id = EventIdentity.MakeConflictId(Id, PayloadDigest),
        ConflictOf = Id,
        Fault = EventIdentity.IdConflict,
    };
}
