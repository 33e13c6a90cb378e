namespace Eldercare.CloudStub;

/// <summary>One event of an upstream batch (docs/wire-format.md, "Upstream HTTP").</summary>
public sealed record IncomingEvent(string Id, string Dev, string Type, string Lane, int Boot, int Seq, long Ts, long Rx, string Payload, long? SkewMs = null);

/// <summary>An event the stub stored, with <c>cloudRx</c>: when its transaction began (the commit follows at once).</summary>
public readonly record struct StoredEvent(IncomingEvent Event, long CloudRx);
