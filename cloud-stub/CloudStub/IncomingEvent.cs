namespace Eldercare.CloudStub;

/// <summary>One event of an upstream batch (docs/wire-format.md, "Upstream HTTP").</summary>
public sealed record IncomingEvent(string Id, string Dev, string Type, string Lane, int Boot, int Seq, long Ts, long Rx, string Payload, long? SkewMs = null, string? Fault = null, string? ConflictOf = null);

/// <summary>An event the stub stored, with <c>cloudRx</c>: when its transaction began (the commit follows at once).
/// <see cref="StoredAs"/> is the id it is kept under: the event's own, or its derived id when the stub already held
/// the id with another payload (docs/wire-format.md, "One id, one payload").</summary>
public readonly record struct StoredEvent(IncomingEvent Event, long CloudRx, string StoredAs)
{
    public bool IsConflict => StoredAs != Event.Id;
}
