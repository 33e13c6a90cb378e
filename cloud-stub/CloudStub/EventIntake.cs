using Eldercare.Firmware.Core.Events;

namespace Eldercare.CloudStub;

/// <summary>
/// What the stub does with a gateway's events, whichever way they came (<c>POST /api/v1/events</c> or the MQTT consumer):
/// each checked with the firmware core's rules, the valid ones stored idempotently by id, counted, alarms printed,
/// id conflicts logged.
/// </summary>
public sealed class EventIntake(EventsDatabase db, StubCounters counters, AlarmPrinter alarms, ILogger<EventIntake> logger)
{
    public sealed record Outcome(List<StoredEvent> Stored, List<string> Duplicates, List<(string Id, string Reason)> Rejected);

    public async Task<Outcome> TakeAsync(string gateway, IReadOnlyList<IncomingEvent> events)
    {
        var valid = new List<IncomingEvent>(events.Count);
        var rejected = new List<(string Id, string Reason)>();
        foreach (var e in events)
        {
            var reason = Check(e, gateway);
            if (reason is null)
            {
                valid.Add(e);
            }
            else
            {
                rejected.Add((e.Id, reason));
            }
        }

        var (stored, duplicates) = await db.StoreAsync(gateway, valid).ConfigureAwait(false);
        counters.CountDuplicates(duplicates.Count);
        counters.CountRejected(rejected.Count);
        foreach (var e in stored)
        {
            alarms.Print(e.Event, e.CloudRx);
            if (e.IsConflict)
            {
                // The id was here with another payload: kept under its derived id, as the gateway does.
                counters.CountIdConflict();
                logger.LogWarning("id_conflict {Id}: stored before with another payload; this {Type} stored as {StoredAs}", e.Event.Id, e.Event.Type, e.StoredAs);
            }
        }

        return new Outcome(stored, duplicates, rejected);
    }

    /// <summary>Per-event meaning, with the firmware core's own rules. Null when fine.</summary>
    public static string? Check(IncomingEvent e, string gateway)
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
}
