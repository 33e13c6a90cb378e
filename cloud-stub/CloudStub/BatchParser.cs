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

    public static Result Parse(ReadOnlySpan<byte> body, int maxEvents) => Parse(body.ToArray(), maxEvents);

    /// <summary>As <see cref="Parse(ReadOnlySpan{byte}, int)"/> on a buffer the caller keeps unchanged until this returns
    /// (no copy: the request body is parsed where it was read).</summary>
    public static Result Parse(ReadOnlyMemory<byte> body, int maxEvents)
    {
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
