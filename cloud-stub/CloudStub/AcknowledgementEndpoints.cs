using Eldercare.Firmware.Core.Commands;

namespace Eldercare.CloudStub;

/// <summary>
/// Acknowledgements (cloud-stub/README.md "Acknowledgements"): an operator acknowledges an alarm, the gateway that
/// forwarded it reads the acknowledgement with a long poll and sends it to the device ("help is coming").
/// </summary>
public static class AcknowledgementEndpoints
{
    /// <summary>The longest a gateway's read may wait for a new acknowledgement.</summary>
    public const int MaxWaitMilliseconds = 60_000;

    public static void Map(WebApplication app)
    {
        app.MapPost("/api/v1/acks", AcknowledgeAsync);
        app.MapGet("/api/v1/acks", ReadAsync);
    }

    private static async Task<IResult> AcknowledgeAsync(AckRequest? request, AcknowledgementLedger ledger, StubCounters counters, TimeProvider time, AlarmPrinter printer)
    {
        if (request is null || string.IsNullOrEmpty(request.Id))
        {
            counters.CountRefused("bad_ack");
            return Results.BadRequest(new { error = "bad_request", detail = "body must be {\"id\":\"<event id>\",\"by\":\"<role>\"}" });
        }

        // The acknowledgement goes to the device as a command: what the command cannot carry is refused here.
        if (request.By is not null && CommandCodec.EncodeAckToString("a:1:1", 0, request.By) is null)
        {
            counters.CountRefused("bad_ack");
            return Results.BadRequest(new { error = "bad_field", detail = $"by must be 1-{CommandCodec.MaxByLength} of a-z, 0-9, '-' (a role, never a person's name)" });
        }

        // ts = when the ledger stored it (after any wait for the store), as cloudRx is for an event.
        var (outcome, ack, type) = await ledger.AcknowledgeAsync(request.Id, request.By, () => time.GetUtcNow().ToUnixTimeMilliseconds());
        switch (outcome)
        {
            case AcknowledgeOutcome.UnknownEvent:
                counters.CountRefused("unknown_event");
                return Results.Json(new { error = "unknown_event", detail = "no event with this id was stored" }, statusCode: 404);
            case AcknowledgeOutcome.NotAcknowledgeable:
                counters.CountRefused("not_acknowledgeable");
                return Results.Json(new { error = "not_acknowledgeable", detail = $"a {type} is not an alarm a person acknowledges" }, statusCode: 409);
            case AcknowledgeOutcome.AlreadyAcknowledged:
                return Results.Json(new { ack, duplicate = true });
            default:
                counters.CountAcknowledgement();
                printer.PrintAcknowledgement(ack!);
                return Results.Json(new { ack, duplicate = false }, statusCode: 201);
        }
    }

    private static async Task<IResult> ReadAsync(string? gateway, long? after, int? max, int? waitMs, AcknowledgementLedger ledger, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(gateway) || (after ?? 0) < 0 || max is < 1 or > 1000 || waitMs is < 0 or > MaxWaitMilliseconds)
        {
            return Results.BadRequest(new { error = "bad_request", detail = $"gateway is required; after >= 0; max 1..1000; waitMs 0..{MaxWaitMilliseconds}" });
        }

        try
        {
            var acks = await ledger.ReadAsync(gateway, after ?? 0, max ?? 500, TimeSpan.FromMilliseconds(waitMs ?? 0), cancellationToken);
            return Results.Json(new { acks, next = acks.Count > 0 ? acks[^1].Seq : after ?? 0 });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Results.Empty;
        }
    }

    public sealed record AckRequest(string? Id, string? By);
}
