using System.Buffers;
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

    private static async Task<IResult> ReceiveBatchAsync(HttpContext context, EventIntake intake, FaultSwitch faults, StubCounters counters, CloudStubOptions options, ILoggerFactory logs)
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

        // Read into a pooled buffer sized by Content-Length when given and parsed where it lies: a fresh buffer per
        // request (a 250-event batch is ~90 KB, over the large object threshold) cost page faults and zeroing.
        var buffer = ArrayPool<byte>.Shared.Rent(context.Request.ContentLength is > 0 and var announced && announced < options.MaxBodyBytes ? (int)announced + 1 : 16 * 1024);
        BatchParser.Result parsed;
        try
        {
            var length = 0;
            try
            {
                int read;
                while ((read = await context.Request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted)) > 0)
                {
                    length += read;
                    if (length == buffer.Length)
                    {
                        // Kestrel ends the body with a 413 past MaxBodyBytes, so this grows at most to about that.
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        Buffer.BlockCopy(buffer, 0, larger, 0, length);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }
            }
            catch (BadHttpRequestException exception) when (exception.StatusCode == 413)
            {
                counters.CountBadBatch();
                counters.CountRefused("too_large");
                logs.CreateLogger("CloudStub.Events").LogWarning("refused batch from {Remote} too_large: body over {Limit} bytes", context.Connection.RemoteIpAddress, options.MaxBodyBytes);
                return Results.Json(new { error = "too_large", detail = $"body over {options.MaxBodyBytes} bytes" }, statusCode: 413);
            }

            // The parsed events hold strings of their own: the buffer goes back to the pool right after.
            parsed = BatchParser.Parse(new ReadOnlyMemory<byte>(buffer, 0, length), options.MaxBatchEvents);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

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

        var (stored, duplicates, rejected) = await intake.TakeAsync(parsed.Gateway!, events);
        var conflicts = stored.Where(e => e.IsConflict).Select(e => new { id = e.Event.Id, storedAs = e.StoredAs });
        return Results.Json(new { stored = stored.Select(e => e.Event.Id), duplicates, rejected = rejected.Select(r => new { id = r.Id, reason = r.Reason }), conflicts });
    }

    public sealed record FaultRequest(string Mode, int? StallMs);
}
