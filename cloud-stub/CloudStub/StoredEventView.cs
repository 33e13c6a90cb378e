namespace Eldercare.CloudStub;

/// <summary>What <c>GET /api/v1/events</c> returns per event; <see cref="CloudRx"/> is the stub's receive time (ms).</summary>
public sealed record StoredEventView(string Id, string Dev, string Type, string Lane, int Boot, int Seq, long Ts, long Rx, long CloudRx, string Gateway, long? SkewMs = null);
