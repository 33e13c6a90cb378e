namespace Eldercare.CloudStub;

/// <summary>
/// What <c>GET /api/v1/events</c> returns per event; <see cref="CloudRx"/> is when the stub stored it (unix ms: its
/// transaction began; the commit follows at once). <see cref="Payload"/> is the event as the gateway forwarded it (its
/// fields: <c>card</c>, <c>svc</c>, <c>lat</c>/<c>lon</c>, <c>subj</c>, <c>info</c>...), a JSON object.
/// </summary>
public sealed record StoredEventView(string Id, string Dev, string Type, string Lane, int Boot, int Seq, long Ts, long Rx, long CloudRx, string Gateway, long? SkewMs = null, string? Fault = null, string? ConflictOf = null, System.Text.Json.JsonElement? Payload = null);
