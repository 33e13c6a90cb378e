using Eldercare.Firmware.Core.Events;
using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Console;

// Size (~340 lines): one job, the desk's state machine: every transition (book, take, note, close, assign, escalate,
// the platform's acknowledgement) is a conditional UPDATE with its audit line, kept together so the allowed moves read
// in one place. Reads are DeskView's and DeskFeed's, the schema ConsoleDatabase's, notifications DeskChanges'.
/// <summary>
/// The desk's state machine over console.db: one row per alarm or service request (open -> taken -> closed, taken ->
/// escalated -> closed), every change a conditional UPDATE (two operators cannot take the same alarm: the second
/// changes no row) written with its audit line in one transaction. Pure of time: every call is given "now" (the
/// gateway's TimeProvider, a fake one in tests).
/// </summary>
public sealed class AlarmBook
{
    private readonly ConsoleDatabase _database;
    private readonly AlarmPriorities _priorities;
    private readonly CardHasher _cards;
    private readonly DeskChanges _changes;
    private readonly IReadOnlyList<string> _providers;
    private readonly long _escalateAfterMilliseconds;
    private readonly long _createdUnixMilliseconds;
    private readonly DeskUpstream? _upstream;

    /// <param name="upstream">Makes the <c>alarm_taken</c> of each take of an alarm (null: the platform is not told, e.g. in tests of the book alone).</param>
    public AlarmBook(ConsoleDatabase database, ConsoleOptions options, CardHasher cards, DeskChanges changes, DeskUpstream? upstream = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cards);
        ArgumentNullException.ThrowIfNull(changes);
        _database = database;
        _priorities = new AlarmPriorities(options.Priorities);
        _cards = cards;
        _changes = changes;
        _upstream = upstream;
        _providers = options.EffectiveProviders;
        _escalateAfterMilliseconds = options.EscalateAfterSeconds * 1000L;
        _createdUnixMilliseconds = database.Read(c => long.Parse((string)Sql.Scalar(c, null, "SELECT value FROM meta WHERE key = 'created'")!, System.Globalization.CultureInfo.InvariantCulture));
    }

    public DeskChanges Changes => _changes;

    /// <summary>
    /// Books one stored event of the alarm or service lane (the feed calls it in store order): an alarm or a service
    /// request becomes a row; an elder's cancel closes the alarm it names, a device_online the device_offline it names;
    /// a battery level is kept for the device. True when the book changed. A repeat (after a restart) changes nothing.
    /// </summary>
    public bool Book(DeviceEvent e, long receivedUnixMilliseconds) => BookAll([(e, receivedUnixMilliseconds)]) > 0;

    /// <summary><see cref="Book"/> for a batch in one transaction (one fsync of console.db for a burst of alarms, not
    /// one each); returns how many changed the book.</summary>
    /// <param name="alsoInTransaction">Written in the same transaction (the feed's cursor: booked and read-past together).</param>
    public int BookAll(IReadOnlyList<(DeviceEvent Event, long ReceivedUnixMilliseconds)> events, Action<SqliteConnection, SqliteTransaction>? alsoInTransaction = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        var changed = _database.Write((c, t) =>
        {
            var count = 0;
            foreach (var (e, received) in events)
            {
                count += BookOne(c, t, e, received) ? 1 : 0;
            }

            alsoInTransaction?.Invoke(c, t);
            return count;
        });
        Notify(changed > 0);
        return changed;
    }

    private bool BookOne(SqliteConnection c, SqliteTransaction t, DeviceEvent e, long receivedUnixMilliseconds)
    {
        var subject = e.Subject ?? e.DeviceId;
        if (e.BatteryPercent != DeviceEvent.Absent)
        {
            Sql.Execute(c, t, "INSERT INTO devices_seen(device, battery, at) VALUES($d, $b, $at) ON CONFLICT(device) DO UPDATE SET battery = $b, at = $at WHERE at <= $at",
                ("$d", subject), ("$b", e.BatteryPercent), ("$at", receivedUnixMilliseconds));
        }

        if (e.Type == EventTypes.SosCancel || e.Type == EventTypes.FallCancel)
        {
            // Closed only while nobody has taken it: once an operator is on it, the cancel is a note for them.
            var target = DeviceEvent.MakeId(e.DeviceId, e.BootEpoch, e.ReferenceSequence);
            if (CloseBySystem(c, t, target, AlarmStates.Cancelled, receivedUnixMilliseconds, onlyOpen: true))
            {
                return true;
            }

            var noted = Sql.Execute(c, t, "INSERT INTO notes(event_id, by, at, text) SELECT event_id, $by, $at, 'cancelled_by_elder' FROM alarms WHERE event_id = $id AND state <> 'closed'",
                ("$by", AuditTrail.System), ("$at", receivedUnixMilliseconds), ("$id", target));
            return noted == 1;
        }

        if (e.Type == EventTypes.DeviceOnline)
        {
            return CloseBySystem(c, t, DeviceEvent.MakeId(e.DeviceId, e.BootEpoch, e.ReferenceSequence), AlarmStates.BackOnline, receivedUnixMilliseconds, onlyOpen: false);
        }

        string kind;
        int priority;
        if (e.Type == EventTypes.ServiceRequest)
        {
            (kind, priority) = (AlarmStates.KindService, AlarmPriorities.ServicePriority);
        }
        else if (_priorities.TryGet(e.Type, out priority))
        {
            kind = AlarmStates.KindAlarm;
        }
        else
        {
            return false;
        }

        var history = receivedUnixMilliseconds < _createdUnixMilliseconds;
        var cardHash = e.Card is not null && CardHasher.TryNormalize(e.Card, out var uid) ? _cards.Hash(uid) : null;
        var inserted = Sql.Execute(c, t, """
            INSERT OR IGNORE INTO alarms(event_id, kind, type, source, device, priority, received, device_ts, battery, lat, lon, service, card_hash, info, state, outcome, closed_at)
            VALUES($id, $kind, $type, $source, $device, $priority, $rx, $ts, $bat, $lat, $lon, $svc, $card, $info, $state, $outcome, $closedAt)
            """,
            ("$id", e.Id), ("$kind", kind), ("$type", e.Type), ("$source", e.DeviceId), ("$device", subject), ("$priority", priority),
            ("$rx", receivedUnixMilliseconds), ("$ts", e.TimestampUnixMilliseconds),
            ("$bat", e.BatteryPercent == DeviceEvent.Absent ? null : e.BatteryPercent),
            ("$lat", e.HasPosition ? e.LatitudeMicrodegrees : null), ("$lon", e.HasPosition ? e.LongitudeMicrodegrees : null),
            ("$svc", e.Service), ("$card", cardHash), ("$info", e.Info),
            ("$state", history ? AlarmStates.Closed : AlarmStates.Open), ("$outcome", history ? AlarmStates.BeforeConsole : null),
            ("$closedAt", history ? receivedUnixMilliseconds : null));
        if (inserted == 1)
        {
            AuditTrail.Record(c, t, receivedUnixMilliseconds, AuditTrail.System, history ? "booked_history" : "received", e.Id, e.Type);
        }

        return inserted == 1;
    }

    /// <summary>Takes (acknowledges) an open alarm or service request for <paramref name="user"/>: exactly one of two
    /// operators racing for it gets <see cref="DeskOutcome.Done"/>.</summary>
    public DeskResult Take(string eventId, string user, long now)
    {
        var result = _database.Write((c, t) =>
        {
            var changed = Sql.Execute(c, t, "UPDATE alarms SET state = 'taken', taken_by = $u, taken_at = $now WHERE event_id = $id AND state = 'open'",
                ("$u", user), ("$now", now), ("$id", eventId));
            if (changed == 1)
            {
                AuditTrail.Record(c, t, now, user, "take", eventId);
                if (_upstream is not null)
                {
                    var row = Sql.Query(c, t, "SELECT device, received, kind FROM alarms WHERE event_id = $id", r => (Device: r.GetString(0), Received: r.GetInt64(1), Kind: r.GetString(2)), ("$id", eventId))[0];
                    if (row.Kind == AlarmStates.KindAlarm)
                    {
                        _upstream.Stage(c, t, eventId, row.Device, now - row.Received, now);
                    }
                }

                return DeskResult.Ok;
            }

            return Refusal(c, t, eventId, "not open");
        });
        Notify(result.Outcome == DeskOutcome.Done);
        return result;
    }

    /// <summary>A note on an alarm or request (any state): kept in the book and in the audit trail.</summary>
    public DeskResult Note(string eventId, string user, string text, long now)
    {
        text = (text ?? string.Empty).Trim();
        if (text.Length is 0 or > 1000)
        {
            return new DeskResult(DeskOutcome.Invalid, "a note is 1 to 1000 characters");
        }

        var result = _database.Write((c, t) =>
        {
            if (Sql.Scalar(c, t, "SELECT 1 FROM alarms WHERE event_id = $id", ("$id", eventId)) is null)
            {
                return new DeskResult(DeskOutcome.NotFound, "no such alarm");
            }

            Sql.Execute(c, t, "INSERT INTO notes(event_id, by, at, text) VALUES($id, $u, $now, $text)", ("$id", eventId), ("$u", user), ("$now", now), ("$text", text));
            AuditTrail.Record(c, t, now, user, "note", eventId, text);
            return DeskResult.Ok;
        });
        Notify(result.Outcome == DeskOutcome.Done);
        return result;
    }

    /// <summary>
    /// Closes a taken (or escalated) alarm with an outcome (<see cref="AlarmStates.AlarmOutcomes"/>), or a service
    /// request with <see cref="AlarmStates.ServiceDone"/>. The operator who took it may close it; a supervisor or an
    /// admin may close anyone's.
    /// </summary>
    public DeskResult Close(string eventId, string user, bool mayCloseOthers, string outcome, long now)
    {
        var result = _database.Write((c, t) =>
        {
            var kind = (string?)Sql.Scalar(c, t, "SELECT kind FROM alarms WHERE event_id = $id", ("$id", eventId));
            if (kind is null)
            {
                return new DeskResult(DeskOutcome.NotFound, "no such alarm");
            }

            var allowed = kind == AlarmStates.KindService ? outcome == AlarmStates.ServiceDone : AlarmStates.AlarmOutcomes.Contains(outcome);
            if (!allowed)
            {
                return new DeskResult(DeskOutcome.Invalid, $"'{outcome}' is not an outcome of a {kind}");
            }

            var changed = Sql.Execute(c, t, """
                UPDATE alarms SET state = 'closed', closed_by = $u, closed_at = $now, outcome = $outcome
                WHERE event_id = $id AND state IN ('taken', 'escalated') AND (taken_by = $u OR $others = 1)
                """, ("$u", user), ("$now", now), ("$outcome", outcome), ("$id", eventId), ("$others", mayCloseOthers ? 1 : 0));
            if (changed == 1)
            {
                AuditTrail.Record(c, t, now, user, "close", eventId, outcome);
                return DeskResult.Ok;
            }

            return Refusal(c, t, eventId, "not taken by you");
        });
        Notify(result.Outcome == DeskOutcome.Done);
        return result;
    }

    /// <summary>Assigns a taken (accepted) service request to a configured provider.</summary>
    public DeskResult Assign(string eventId, string user, string provider, long now)
    {
        if (!_providers.Contains(provider))
        {
            return new DeskResult(DeskOutcome.Invalid, "not a configured provider");
        }

        var result = _database.Write((c, t) =>
        {
            var changed = Sql.Execute(c, t, "UPDATE alarms SET provider = $p WHERE event_id = $id AND kind = 'service' AND state = 'taken'",
                ("$p", provider), ("$id", eventId));
            if (changed == 1)
            {
                AuditTrail.Record(c, t, now, user, "assign", eventId, provider);
                return DeskResult.Ok;
            }

            return Refusal(c, t, eventId, "not an accepted service request");
        });
        Notify(result.Outcome == DeskOutcome.Done);
        return result;
    }

    /// <summary>Escalates every alarm taken at least EscalateAfterSeconds ago and still not closed; returns their ids.</summary>
    public IReadOnlyList<string> EscalateDue(long now)
    {
        var escalated = _database.Write((c, t) =>
        {
            var due = Sql.Query(c, t, "SELECT event_id FROM alarms WHERE kind = 'alarm' AND state = 'taken' AND taken_at <= $limit",
                r => r.GetString(0), ("$limit", now - _escalateAfterMilliseconds));
            foreach (var id in due)
            {
                Sql.Execute(c, t, "UPDATE alarms SET state = 'escalated', escalated_at = $now WHERE event_id = $id", ("$now", now), ("$id", id));
                AuditTrail.Record(c, t, now, AuditTrail.System, "escalate", id);
            }

            return due;
        });
        Notify(escalated.Count > 0);
        return escalated;
    }

    /// <summary>The platform's operator acknowledged the alarm (its acknowledgement reached this gateway): shown on the page.</summary>
    public bool PlatformAcknowledged(string eventId, string? by, long now)
    {
        var changed = _database.Write((c, t) =>
        {
            var rows = Sql.Execute(c, t, "UPDATE alarms SET platform_ack_by = $by, platform_ack_at = $now WHERE event_id = $id AND platform_ack_at IS NULL",
                ("$by", by ?? "platform"), ("$now", now), ("$id", eventId));
            if (rows == 1)
            {
                AuditTrail.Record(c, t, now, AuditTrail.System, "platform_ack", eventId, by);
            }

            return rows == 1;
        });
        Notify(changed);
        return changed;
    }

    private static bool CloseBySystem(SqliteConnection c, SqliteTransaction t, string eventId, string outcome, long now, bool onlyOpen)
    {
        var changed = Sql.Execute(c, t, "UPDATE alarms SET state = 'closed', closed_by = $by, closed_at = $now, outcome = $outcome WHERE event_id = $id AND state <> 'closed' AND ($onlyOpen = 0 OR state = 'open')",
            ("$by", AuditTrail.System), ("$now", now), ("$outcome", outcome), ("$id", eventId), ("$onlyOpen", onlyOpen ? 1 : 0));
        if (changed == 1)
        {
            AuditTrail.Record(c, t, now, AuditTrail.System, "close", eventId, outcome);
        }

        return changed == 1;
    }

    private static DeskResult Refusal(SqliteConnection c, SqliteTransaction t, string eventId, string why)
    {
        var row = Sql.Query(c, t, "SELECT state, taken_by FROM alarms WHERE event_id = $id", r => (State: r.GetString(0), By: r.Text(1)), ("$id", eventId));
        if (row.Count == 0)
        {
            return new DeskResult(DeskOutcome.NotFound, "no such alarm");
        }

        return new DeskResult(DeskOutcome.Conflict, $"{why}: it is {row[0].State}" + (row[0].By is null ? string.Empty : $" (taken by {row[0].By})"));
    }

    private void Notify(bool changed)
    {
        if (changed)
        {
            _changes.Changed();
        }
    }
}

/// <summary>What an action on the book did.</summary>
public enum DeskOutcome
{
    Done,
    NotFound,

    /// <summary>The alarm is not in a state that allows it (already taken by someone, closed, not yours).</summary>
    Conflict,

    /// <summary>The request itself is wrong (an unknown outcome or provider, an empty note).</summary>
    Invalid,
}

/// <summary>An action's outcome and, when refused, a reason an operator can read.</summary>
public sealed record DeskResult(DeskOutcome Outcome, string? Reason = null)
{
    public static readonly DeskResult Ok = new(DeskOutcome.Done);
}
