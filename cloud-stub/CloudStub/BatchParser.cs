using System.Text.Json;

namespace Eldercare.CloudStub;

/// <summary>
/// Parses a batch strictly: any structural problem rejects the whole batch (400, nothing stored) with a
/// reason a person can read. Per-event meaning (id rule, type, lane, payload) is checked later and
/// rejects only that event.
/// </summary>
public static class BatchParser
{
    public sealed record Result(bool Ok, string? Gateway, IReadOnlyList<IncomingEvent> Events, int StatusCode, string? Error, string? Detail);

    public static Result Parse(ReadOnlySpan<byte> body, int maxEvents)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException exception)
        {
            return Fail(400, "malformed_json", exception.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Fail(400, "malformed_batch", "the body must be a JSON object");
            }

            if (!root.TryGetProperty("gateway", out var gateway) || gateway.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(gateway.GetString()))
            {
                return Fail(400, "missing_field", "'gateway' must be a non-empty string");
            }

            if (!root.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
            {
                return Fail(400, "missing_field", "'events' must be an array");
            }

            var count = events.GetArrayLength();
            if (count > maxEvents)
            {
                return Fail(413, "too_many_events", $"{count} events, limit {maxEvents}");
            }

            var list = new List<IncomingEvent>(count);
            var index = 0;
            foreach (var e in events.EnumerateArray())
            {
                if (!TryParseEvent(e, out var parsedEvent, out var problem))
                {
                    return Fail(400, e.ValueKind == JsonValueKind.Object ? "bad_field" : "malformed_batch", $"events[{index}]{problem}");
                }

                list.Add(parsedEvent);
                index++;
            }

            return new Result(true, gateway.GetString(), list, 200, null, null);
        }
    }

    /// <summary>
    /// One event as the wire format spells it (an element of a batch's <c>events</c>; an MQTT upstream message's payload,
    /// docs/wire-format.md "Upstream MQTT"). On failure <paramref name="problem"/> completes "events[i]" / "the message".
    /// </summary>
    public static bool TryParseEvent(JsonElement e, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IncomingEvent? parsed, out string problem)
    {
        parsed = null;
        problem = string.Empty;
        if (e.ValueKind != JsonValueKind.Object)
        {
            problem = " is not an object";
            return false;
        }

        if (!TryString(e, "id", out var id) || !TryString(e, "dev", out var dev) || !TryString(e, "type", out var type)
            || !TryString(e, "lane", out var lane) || !TryString(e, "payload", out var payload)
            || !TryInt(e, "boot", out var boot) || !TryInt(e, "seq", out var seq)
            || !TryLong(e, "ts", out var ts) || !TryLong(e, "rx", out var rx))
        {
            problem = " needs id, dev, type, lane, payload (strings) and boot, seq, ts, rx (integers)";
            return false;
        }

        // Optional: the gateway flagged the device clock (skewMs = device ts - gateway rx).
        long? skewMs = null;
        if (e.TryGetProperty("skewMs", out var skew))
        {
            if (skew.ValueKind != JsonValueKind.Number || !skew.TryGetInt64(out var skewValue))
            {
                problem = ".skewMs must be an integer";
                return false;
            }

            skewMs = skewValue;
        }

        // Optional: a device fault the gateway flagged (id_conflict with the id the device gave, seq_regression).
        string? fault = null;
        string? conflictOf = null;
        if ((e.TryGetProperty("fault", out _) && !TryString(e, "fault", out fault!))
            || (e.TryGetProperty("conflictOf", out _) && !TryString(e, "conflictOf", out conflictOf!)))
        {
            problem = ".fault and .conflictOf must be non-empty strings";
            return false;
        }

        parsed = new IncomingEvent(id, dev, type, lane, boot, seq, ts, rx, payload, skewMs, fault, conflictOf);
        return true;
    }

    private static Result Fail(int status, string error, string detail) => new(false, null, [], status, error, detail);

    private static bool TryString(JsonElement e, string name, out string value)
    {
        value = string.Empty;
        if (!e.TryGetProperty(name, out var p) || p.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = p.GetString()!;
        return value.Length > 0;
    }

    private static bool TryInt(JsonElement e, string name, out int value)
    {
        value = 0;
        return e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out value);
    }

    private static bool TryLong(JsonElement e, string name, out long value)
    {
        value = 0;
        return e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt64(out value);
    }
}
