using Eldercare.Firmware.Core.Events;

namespace Eldercare.CloudStub;

/// <summary>The HTTP API (cloud-stub/README.md): events in, events out, stats, fault switch.</summary>
public static class EventsEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/api/v1/events", ReceiveBatchAsync);
        app.MapGet("/api/v1/events", async (string? dev, string? type, string? lane, long? from, long? to, string? card, EventsDatabase db) => Results.Json(await db.QueryAsync(dev, type, lane, from, to, card)));
        app.MapGet("/api/v1/stats", async (EventsDatabase db, StubCounters counters) =>
        {
            var (total, alarms, telemetry) = await db.CountAsync();
            return Results.Json(new
            {
                events = total,
                alarms,
                telemetry,
                batches = counters.Batches,
                duplicates = counters.Duplicates,
                idConflicts = counters.IdConflicts,
                rejected = counters.RejectedEvents,
                badBatches = counters.BadBatches,
                refused = counters.RefusedByReason,
                faulted = counters.Faulted,
                acknowledgements = counters.Acknowledgements,
            });
        });
        app.MapGet("/admin/fault", (FaultSwitch faults) => Results.Json(new { mode = faults.Current.Mode.ToString().ToLowerInvariant(), stallMs = faults.Current.StallMilliseconds }));
        app.MapPost("/admin/fault", (FaultRequest request, FaultSwitch faults, ILoggerFactory logs) =>
        {
            if (!Enum.TryParse<FaultMode>(request.Mode, ignoreCase: true, out var mode))
            {
                return Results.BadRequest(new { error = "bad_mode", detail = "mode must be none, fail, stall or partial" });
            }

            faults.Set(mode, request.StallMs ?? 0);
            logs.CreateLogger("CloudStub.Faults").LogWarning("fault mode {Mode} stallMs={Stall}", mode, request.StallMs ?? 0);
            return Results.Json(new { mode = mode.ToString().ToLowerInvariant(), stallMs = faults.Current.StallMilliseconds });
        });
        app.MapGet("/health", () => Results.Json(new { status = "ok" }));
    }

    private static async Task<IResult> ReceiveBatchAsync(HttpContext context, EventsDatabase db, FaultSwitch faults, StubCounters counters, CloudStubOptions options, AlarmPrinter alarms, ILoggerFactory logs)
    {
        var fault = faults.Current;
        if (fault.Mode == FaultMode.Stall && fault.StallMilliseconds > 0)
        {
            await Task.Delay(fault.StallMilliseconds, context.RequestAborted);
        }

        if (fault.Mode == FaultMode.Fail)
        {
            counters.CountFaulted();
            return Results.Json(new { error = "fault_injected", detail = "fault mode fail" }, statusCode: 500);
        }

        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == 413)
        {
            counters.CountBadBatch();
            counters.CountRefused("too_large");
            logs.CreateLogger("CloudStub.Events").LogWarning("refused batch from {Remote} too_large: body over {Limit} bytes", context.Connection.RemoteIpAddress, options.MaxBodyBytes);
            return Results.Json(new { error = "too_large", detail = $"body over {options.MaxBodyBytes} bytes" }, statusCode: 413);
        }

        var parsed = BatchParser.Parse(body, options.MaxBatchEvents);
        if (!parsed.Ok)
        {
            counters.CountBadBatch();
            counters.CountRefused(parsed.Error!);
            logs.CreateLogger("CloudStub.Events").LogWarning("refused batch from {Remote} {Error}: {Detail}", context.Connection.RemoteIpAddress, parsed.Error, Eldercare.Firmware.Core.Text.LogText.Untrusted(parsed.Detail ?? string.Empty, 240));
            return Results.Json(new { error = parsed.Error, detail = parsed.Detail }, statusCode: parsed.StatusCode);
        }

        counters.CountBatch();
        var events = parsed.Events;
        if (fault.Mode == FaultMode.Partial && events.Count > 0)
        {
            // First half, rounded up, so a one-event batch still makes progress.
            events = events.Take((events.Count + 1) / 2).ToList();
        }

        var valid = new List<IncomingEvent>(events.Count);
        var rejected = new List<object>();
        foreach (var e in events)
        {
            var reason = Check(e, parsed.Gateway!);
            if (reason is null)
            {
                valid.Add(e);
            }
            else
            {
                rejected.Add(new { id = e.Id, reason });
            }
        }

        var (stored, duplicates) = await db.StoreAsync(parsed.Gateway!, valid);
        counters.CountDuplicates(duplicates.Count);
        counters.CountRejected(rejected.Count);
        var conflicts = new List<object>();
        foreach (var e in stored)
        {
            alarms.Print(e.Event, e.CloudRx);
            if (e.IsConflict)
            {
                // The id was here with another payload: kept under its derived id, as the gateway does.
                counters.CountIdConflict();
                conflicts.Add(new { id = e.Event.Id, storedAs = e.StoredAs });
                logs.CreateLogger("CloudStub.Events").LogWarning("id_conflict {Id}: stored before with another payload; this {Type} stored as {StoredAs}", e.Event.Id, e.Event.Type, e.StoredAs);
            }
        }

        return Results.Json(new { stored = stored.Select(e => e.Event.Id), duplicates, rejected, conflicts });
    }

    /// <summary>Per-event meaning, with the firmware core's own rules. Null when fine.</summary>
    internal static string? Check(IncomingEvent e, string gateway)
    {
        if (EventTypes.IsGatewayMade(e.Type) && e.Dev != gateway)
        {
            // device_offline/device_online say what a gateway saw of a device: only that gateway's own id may make them.
            return RejectReasons.DeviceMismatch;
        }

        if (!EventCodec.IsValidDeviceId(e.Dev) || e.Boot < 1 || e.Seq < 1)
        {
            return "bad_field";
        }

        var id = DeviceEvent.MakeId(e.Dev, e.Boot, e.Seq);
        if (e.Fault is not null && e.Fault != EventIdentity.IdConflict && e.Fault != EventIdentity.SeqRegression)
        {
            return "bad_field";
        }

        // A derived id (the gateway kept a reused id's other payload under it) must be exactly the rule's.
        var derived = e.Fault == EventIdentity.IdConflict || e.ConflictOf is not null;
        if (derived ? e.Fault != EventIdentity.IdConflict || e.ConflictOf != id || !EventIdentity.IsConflictIdOf(e.Id, id, e.Payload) : e.Id != id)
        {
            return RejectReasons.IdMismatch;
        }

        if (!EventTypes.IsKnown(e.Type))
        {
            return RejectReasons.UnknownType;
        }

        return e.Lane == EventTypes.LaneOf(e.Type) ? null : "bad_lane";
    }

    public sealed record FaultRequest(string Mode, int? StallMs);
}
