using System.Text.Json;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.CloudStub;

/// <summary>
/// Parses a batch strictly: any structural problem rejects the whole batch (400, nothing stored) with a
/// reason a person can read. Per-event meaning (id rule, type, lane, payload) is checked later and
/// rejects only that event.
/// </summary>
public static class BatchParser
{
    public sealed record Result(bool Ok, string? Gateway, IReadOnlyList<IncomingEvent> Events, int StatusCode, string? Error, string? Detail);

    // The ReadOnlyMemory overload named explicitly: a byte[] argument binds to the span overload (C# 14's span conversions).
    public static Result Parse(ReadOnlySpan<byte> body, int maxEvents) => Parse(new ReadOnlyMemory<byte>(body.ToArray()), maxEvents);

    /// <summary>As <see cref="Parse(ReadOnlySpan{byte}, int)"/> on a buffer the caller keeps unchanged until this returns
    /// (no copy: the request body is parsed where it was read).</summary>
    public static Result Parse(ReadOnlyMemory<byte> body, int maxEvents)
    {
        // A well-formed batch in the shape the gateway writes is read in one forward pass; anything else (an error,
        // an escaped or repeated member name, a value of another kind) goes through the document below, which says
        // what is wrong. The fast pass accepts only what the document path would accept, with the same result.
        if (TryReadPlain(body.Span, maxEvents) is { } plain)
        {
            return plain;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
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

        // One pass over the members (a lookup per field walked the object once per field: ~12 walks of ~10 members for
        // every event of a 1,000-event batch). A name given twice: the last one counts, as JsonElement.TryGetProperty does.
        JsonElement id = default, dev = default, type = default, lane = default, payload = default;
        JsonElement boot = default, seq = default, ts = default, rx = default, skew = default, fault = default, conflictOf = default;
        foreach (var member in e.EnumerateObject())
        {
            var v = member.Value;
            if (member.NameEquals("id"u8)) { id = v; }
            else if (member.NameEquals("dev"u8)) { dev = v; }
            else if (member.NameEquals("type"u8)) { type = v; }
            else if (member.NameEquals("lane"u8)) { lane = v; }
            else if (member.NameEquals("boot"u8)) { boot = v; }
            else if (member.NameEquals("seq"u8)) { seq = v; }
            else if (member.NameEquals("ts"u8)) { ts = v; }
            else if (member.NameEquals("rx"u8)) { rx = v; }
            else if (member.NameEquals("payload"u8)) { payload = v; }
            else if (member.NameEquals("skewMs"u8)) { skew = v; }
            else if (member.NameEquals("fault"u8)) { fault = v; }
            else if (member.NameEquals("conflictOf"u8)) { conflictOf = v; }
        }

        if (!TryString(id, out var idText) || !TryString(dev, out var devText) || !TryKnown(type, out var typeText)
            || !TryKnown(lane, out var laneText) || !TryString(payload, out var payloadText)
            || !TryInt(boot, out var bootValue) || !TryInt(seq, out var seqValue)
            || !TryLong(ts, out var tsValue) || !TryLong(rx, out var rxValue))
        {
            problem = " needs id, dev, type, lane, payload (strings) and boot, seq, ts, rx (integers)";
            return false;
        }

        // Optional: the gateway flagged the device clock (skewMs = device ts - gateway rx).
        long? skewMs = null;
        if (skew.ValueKind != JsonValueKind.Undefined)
        {
            if (skew.ValueKind != JsonValueKind.Number || !skew.TryGetInt64(out var skewValue))
            {
                problem = ".skewMs must be an integer";
                return false;
            }

            skewMs = skewValue;
        }

        // Optional: a device fault the gateway flagged (id_conflict with the id the device gave, seq_regression).
        string? faultText = null;
        string? conflictOfText = null;
        if ((fault.ValueKind != JsonValueKind.Undefined && !TryString(fault, out faultText!))
            || (conflictOf.ValueKind != JsonValueKind.Undefined && !TryString(conflictOf, out conflictOfText!)))
        {
            problem = ".fault and .conflictOf must be non-empty strings";
            return false;
        }

        parsed = new IncomingEvent(idText, devText, typeText, laneText, bootValue, seqValue, tsValue, rxValue, payloadText, skewMs, faultText, conflictOfText);
        return true;
    }

    private const int Id = 1, Dev = 2, Type = 4, Lane = 8, Boot = 16, Seq = 32, Ts = 64, Rx = 128, Payload = 256, Skew = 512, FaultBit = 1024, ConflictOfBit = 2048;
    private const int Required = Id | Dev | Type | Lane | Boot | Seq | Ts | Rx | Payload;

    /// <summary>The fast pass of <see cref="Parse(ReadOnlyMemory{byte}, int)"/>: the batch, or null to let the document path decide.</summary>
    private static Result? TryReadPlain(ReadOnlySpan<byte> body, int maxEvents)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            string? gateway = null;
            List<IncomingEvent>? events = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueIsEscaped)
                {
                    return null;
                }

                if (reader.ValueTextEquals("gateway"u8))
                {
                    if (gateway is not null || !reader.Read() || reader.TokenType != JsonTokenType.String)
                    {
                        return null;
                    }

                    gateway = reader.GetString();
                    if (string.IsNullOrWhiteSpace(gateway))
                    {
                        return null;
                    }
                }
                else if (reader.ValueTextEquals("events"u8))
                {
                    if (events is not null || !reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                    {
                        return null;
                    }

                    events = [];
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        if (events.Count == maxEvents || ReadPlainEvent(ref reader) is not { } e)
                        {
                            return null;
                        }

                        events.Add(e);
                    }

                    if (reader.TokenType != JsonTokenType.EndArray)
                    {
                        return null;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // The root object closed, and nothing but whitespace after it (Read throws on anything else).
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || gateway is null || events is null)
            {
                return null;
            }

            return new Result(true, gateway, events, 200, null, null);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // Malformed, or text the reader would not turn into a string: the document path gives the reason.
            return null;
        }
    }

    /// <summary>One event object (the reader on its StartObject), or null when it is not plainly valid.</summary>
    private static IncomingEvent? ReadPlainEvent(ref Utf8JsonReader reader)
    {
        string? id = null, dev = null, type = null, lane = null, payload = null, fault = null, conflictOf = null;
        int boot = 0, seq = 0, seen = 0;
        long ts = 0, rx = 0;
        long? skewMs = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return null;
            }

            var field = reader.ValueTextEquals("id"u8) ? Id : reader.ValueTextEquals("dev"u8) ? Dev : reader.ValueTextEquals("type"u8) ? Type
                : reader.ValueTextEquals("lane"u8) ? Lane : reader.ValueTextEquals("boot"u8) ? Boot : reader.ValueTextEquals("seq"u8) ? Seq
                : reader.ValueTextEquals("ts"u8) ? Ts : reader.ValueTextEquals("rx"u8) ? Rx : reader.ValueTextEquals("payload"u8) ? Payload
                : reader.ValueTextEquals("skewMs"u8) ? Skew : reader.ValueTextEquals("fault"u8) ? FaultBit : reader.ValueTextEquals("conflictOf"u8) ? ConflictOfBit : 0;
            if (!reader.Read() || (seen & field) != 0)
            {
                return null;
            }

            seen |= field;
            var ok = field switch
            {
                0 => SkipValue(ref reader),
                Id => PlainString(ref reader, out id),
                Dev => PlainString(ref reader, out dev),
                Type => PlainString(ref reader, out type),
                Lane => PlainString(ref reader, out lane),
                Payload => PlainString(ref reader, out payload),
                FaultBit => PlainString(ref reader, out fault),
                ConflictOfBit => PlainString(ref reader, out conflictOf),
                Boot => reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out boot),
                Seq => reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out seq),
                Ts => reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out ts),
                Rx => reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out rx),
                _ => reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var skew) && (skewMs = skew) is not null,
            };
            if (!ok)
            {
                return null;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject && (seen & Required) == Required
            ? new IncomingEvent(id!, dev!, Known(type!), Known(lane!), boot, seq, ts, rx, payload!, skewMs, fault, conflictOf)
            : null;
    }

    private static bool SkipValue(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return true;
    }

    private static bool PlainString(ref Utf8JsonReader reader, out string? value)
    {
        value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return !string.IsNullOrEmpty(value);
    }

    /// <summary>The core's constant for a known type or lane (no string kept per event), else the text itself.</summary>
    private static string Known(string text)
    {
        foreach (var known in KnownNames)
        {
            if (known.Text == text)
            {
                return known.Text;
            }
        }

        return text;
    }

    private static Result Fail(int status, string error, string detail) => new(false, null, [], status, error, detail);

    private static bool TryString(JsonElement p, out string value)
    {
        value = string.Empty;
        if (p.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = p.GetString()!;
        return value.Length > 0;
    }

    /// <summary>A type or lane: the core's constant when it is one (no string made per event), else the text as given.</summary>
    private static bool TryKnown(JsonElement p, out string value)
    {
        if (p.ValueKind == JsonValueKind.String)
        {
            foreach (var known in KnownNames)
            {
                if (p.ValueEquals(known.Utf8))
                {
                    value = known.Text;
                    return true;
                }
            }
        }

        return TryString(p, out value);
    }

    private static readonly (byte[] Utf8, string Text)[] KnownNames =
    [
        .. new[]
        {
            EventTypes.TelemetryLane, EventTypes.Heartbeat, EventTypes.AlarmLane, EventTypes.ServiceLane, EventTypes.Sos,
            EventTypes.Fall, EventTypes.CheckIn, EventTypes.Wellness, EventTypes.BatteryLow, EventTypes.Charging,
        }.Distinct().Select(t => (System.Text.Encoding.UTF8.GetBytes(t), t)),
    ];

    private static bool TryInt(JsonElement p, out int value)
    {
        value = 0;
        return p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out value);
    }

    private static bool TryLong(JsonElement p, out long value)
    {
        value = 0;
        return p.ValueKind == JsonValueKind.Number && p.TryGetInt64(out value);
    }
}
