using System.Text.Json;
using System.Text.Json.Serialization;
using Eldercare.Edge.Gateway.Store;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// The one writer of the upstream batch body (docs/wire-format.md "Upstream HTTP"): <c>{"gateway","events":[...]}</c>.
/// The HTTP upstream posts a batch of up to 1000; the JetStream upstream publishes each event as a batch of one, so the
/// platform reads both with the same parser.
/// </summary>
public static class UpstreamBatchJson
{
    /// <summary>The body object (serialised by the caller, e.g. <c>JsonContent.Create</c>).</summary>
    public static object Body(string gatewayId, IReadOnlyList<EventRecord> batch) =>
        new BatchBody(gatewayId, batch.Select(ToBody).ToList());

    /// <summary>One event as a batch of one, UTF-8.</summary>
    public static byte[] SingleUtf8(string gatewayId, EventRecord e) =>
        JsonSerializer.SerializeToUtf8Bytes(new BatchBody(gatewayId, [ToBody(e)]));

    private static EventBody ToBody(EventRecord e) => new(
        e.Id, e.DeviceId, e.Type, e.Lane, e.BootEpoch, e.Sequence, e.DeviceTimestampUnixMilliseconds, e.ReceivedUnixMilliseconds, e.Payload, e.ClockSkewMilliseconds, e.Fault, e.ConflictOf);

    private sealed record BatchBody(
        [property: JsonPropertyName("gateway")] string Gateway,
        [property: JsonPropertyName("events")] List<EventBody> Events);

    private sealed record EventBody(
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
