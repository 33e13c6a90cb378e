using System.Text.Json;
using System.Text.Json.Serialization;
using Eldercare.Edge.Gateway.Store;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// The one writer of an event as the platform gets it (docs/wire-format.md "Upstream HTTP": an element of a batch's
/// <c>events</c>; "Upstream MQTT": a message's payload; "Upstream JetStream": a batch of one). <see cref="HttpUpstream"/>
/// posts a batch of them, <see cref="MqttUpstream"/> publishes each one, <see cref="JetStreamUpstream"/> each as a batch of
/// one; the cloud stub's <c>BatchParser</c> reads all three.
/// </summary>
public static class UpstreamEventJson
{
    /// <summary>The event's fields on the wire.</summary>
    public static Body ToBody(EventRecord e) => new(
        e.Id, e.DeviceId, e.Type, e.Lane, e.BootEpoch, e.Sequence, e.DeviceTimestampUnixMilliseconds, e.ReceivedUnixMilliseconds, e.Payload, e.ClockSkewMilliseconds, e.Fault, e.ConflictOf);

    /// <summary>A batch for <c>POST /api/v1/events</c>.</summary>
    public static Batch ToBatch(string gatewayId, IReadOnlyList<EventRecord> events) => new(gatewayId, events.Select(ToBody).ToList());

    /// <summary>One event as UTF-8 JSON (an MQTT message's payload).</summary>
    public static byte[] ToUtf8(EventRecord e) => JsonSerializer.SerializeToUtf8Bytes(ToBody(e));

    /// <summary>One event as a batch of one, UTF-8 (a JetStream message: the platform reads it with the batch parser).</summary>
    public static byte[] ToSingleBatchUtf8(string gatewayId, EventRecord e) => JsonSerializer.SerializeToUtf8Bytes(new Batch(gatewayId, [ToBody(e)]));

    public sealed record Batch(
        [property: JsonPropertyName("gateway")] string Gateway,
        [property: JsonPropertyName("events")] List<Body> Events);

    public sealed record Body(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("dev")] string Dev,
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("lane")] string Lane,
        [property: JsonPropertyName("boot")] int Boot,
        [property: JsonPropertyName("seq")] int Seq,
        [property: JsonPropertyName("ts")] long Ts,
        [property: JsonPropertyName("rx")] long Rx,
        [property: JsonPropertyName("payload")] string Payload,
        [property: JsonPropertyName("skewMs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? SkewMs,
        [property: JsonPropertyName("fault"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Fault,
        [property: JsonPropertyName("conflictOf"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ConflictOf);
}
