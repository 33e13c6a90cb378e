using System.Text.Json;

namespace Eldercare.VirtualDevice.Cloud;

/// <summary>One event as the cloud stub holds it (<c>GET /api/v1/events</c>), with the payload's fields.</summary>
public sealed record CloudEvent(string Id, string Dev, string Type, string Lane, int Boot, int Seq, long Ts, JsonElement? Payload)
{
    /// <summary>A string field of the payload (<c>card</c>, <c>svc</c>, <c>subj</c>, <c>info</c>), or null.</summary>
    public string? Text(string field) =>
        Payload is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(field, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A number field of the payload (<c>lat</c>, <c>lon</c>, <c>ref</c>), or null.</summary>
    public double? Number(string field) =>
        Payload is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(field, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
