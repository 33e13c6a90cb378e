using System.Text.Json.Serialization;

namespace Eldercare.Faults.Tests.Support;

/// <summary>One row of the cloud stub's <c>GET /api/v1/events</c> (arrival order).</summary>
public sealed record CloudEvent
{
    [JsonPropertyName("id")]
    public string Id { get; init; } = string.Empty;

    [JsonPropertyName("dev")]
    public string Dev { get; init; } = string.Empty;

    [JsonPropertyName("type")]
    public string Type { get; init; } = string.Empty;

    [JsonPropertyName("lane")]
    public string Lane { get; init; } = string.Empty;

    [JsonPropertyName("boot")]
    public int Boot { get; init; }

    [JsonPropertyName("seq")]
    public int Seq { get; init; }

    [JsonPropertyName("ts")]
    public long Ts { get; init; }

    [JsonPropertyName("rx")]
    public long Rx { get; init; }

    [JsonPropertyName("cloudRx")]
    public long CloudRx { get; init; }

    [JsonPropertyName("skewMs")]
    public long? SkewMs { get; init; }

    /// <summary>A device fault the gateway or the stub flagged (id_conflict, seq_regression), else null.</summary>
    [JsonPropertyName("fault")]
    public string? Fault { get; init; }

    /// <summary>The event as stored (its fields: <c>subj</c>, <c>ref</c>, <c>info</c>...).</summary>
    [JsonPropertyName("payload")]
    public System.Text.Json.JsonElement Payload { get; init; }
}
