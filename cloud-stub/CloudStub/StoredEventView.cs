namespace Eldercare.CloudStub;

/// <summary>What <c>GET /api/v1/events</c> returns per event; <see cref="CloudRx"/> is when the stub stored it (unix ms: its transaction began; the commit follows at once).</summary>
public sealed record StoredEventView(string Id, string Dev, string Type, string Lane, int Boot, int Seq, long Ts, long Rx, long CloudRx, string Gateway, long? SkewMs = null, string? Fault = null, string? ConflictOf = null);
