using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// What the page shows, read from console.db: the open alarms by priority then age and the open service requests, each
/// with the elder's record (by card for a kiosk request, else by device), and today's figures. Never a card UID (the
/// book holds only keyed hashes) and never a device secret (the desk never reads the registry's).
/// </summary>
public sealed class DeskView
{
    private const string Columns = """
        a.event_id, a.kind, a.type, a.device, a.priority, a.received, a.device_ts, COALESCE(a.battery, s.battery), a.lat, a.lon,
        a.service, a.state, a.taken_by, a.taken_at, a.escalated_at, a.closed_at, a.outcome, a.provider, a.platform_ack_by,
        a.platform_ack_at, e.record_no, e.name, e.address, e.contacts, a.source, a.card_hash IS NOT NULL, ec.elder_id IS NOT NULL
        FROM alarms a
        LEFT JOIN elder_cards ec ON ec.card_hash = a.card_hash
        LEFT JOIN elder_devices ed ON ed.device = a.device
        LEFT JOIN elders e ON e.id = COALESCE(ec.elder_id, ed.elder_id)
        LEFT JOIN devices_seen s ON s.device = a.device
        """;

    private readonly ConsoleDatabase _database;

    public DeskView(ConsoleDatabase database) => _database = database;

    /// <summary>Alarms (or service requests) not closed: alarms by priority then age, requests by age.</summary>
    public IReadOnlyList<DeskAlarm> Open(string kind) =>
        _database.Read(c => WithNotes(c, Sql.Query(c, null, $"SELECT {Columns} WHERE a.state <> 'closed' AND a.kind = $kind ORDER BY a.priority, a.received", Map, ("$kind", kind))));

    /// <summary>The most recently closed, newest first (the page's "closed" list).</summary>
    public IReadOnlyList<DeskAlarm> RecentlyClosed(int count) =>
        _database.Read(c => Sql.Query(c, null, $"SELECT {Columns} WHERE a.state = 'closed' AND a.outcome <> 'before_console' ORDER BY a.closed_at DESC LIMIT $n", Map, ("$n", count)));

    public DeskAlarm? Get(string eventId) =>
        _database.Read(c => WithNotes(c, Sql.Query(c, null, $"SELECT {Columns} WHERE a.event_id = $id", Map, ("$id", eventId)))).FirstOrDefault();

    /// <summary>One elder's alarms and requests, newest first.</summary>
    public IReadOnlyList<DeskAlarm> OfElder(long elderId, int count) =>
        _database.Read(c => Sql.Query(c, null, $"SELECT {Columns} WHERE e.id = $elder ORDER BY a.received DESC LIMIT $n", Map, ("$elder", elderId), ("$n", count)));

    /// <summary>Open alarms per device (the devices list).</summary>
    public IReadOnlyDictionary<string, int> OpenCountByDevice() =>
        _database.Read(c => Sql.Query(c, null, "SELECT device, COUNT(*) FROM alarms WHERE state <> 'closed' AND kind = 'alarm' GROUP BY device", r => (r.GetString(0), r.GetInt32(1))))
            .ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);

    /// <summary>Last battery level the desk saw per device.</summary>
    public IReadOnlyDictionary<string, int> Batteries() =>
        _database.Read(c => Sql.Query(c, null, "SELECT device, battery FROM devices_seen WHERE battery IS NOT NULL", r => (r.GetString(0), r.GetInt32(1))))
            .ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);

    /// <summary>
    /// Alarms received since <paramref name="startOfDayUnixMilliseconds"/>: how many, the median and the worst time to
    /// take (an alarm still waiting counts with its wait so far in the worst), and the share taken within 60 s.
    /// </summary>
    public DeskFigures Today(long startOfDayUnixMilliseconds, long now)
    {
        var rows = _database.Read(c => Sql.Query(c, null,
            "SELECT received, taken_at, state FROM alarms WHERE kind = 'alarm' AND received >= $start AND COALESCE(outcome, '') NOT IN ('before_console', 'cancelled', 'back_online')",
            r => (Received: r.GetInt64(0), Taken: r.Number(1), State: r.GetString(2)), ("$start", startOfDayUnixMilliseconds)));
        var taken = rows.Where(r => r.Taken is not null).Select(r => r.Taken!.Value - r.Received).Order().ToList();
        var waiting = rows.Where(r => r.Taken is null && r.State == AlarmStates.Open).Select(r => now - r.Received);
        long? median = taken.Count == 0 ? null : taken.Count % 2 == 1 ? taken[taken.Count / 2] : (taken[(taken.Count / 2) - 1] + taken[taken.Count / 2]) / 2;
        var all = taken.Concat(waiting).ToList();
        long? worst = all.Count == 0 ? null : all.Max();
        double? within60 = taken.Count == 0 ? null : Math.Round(100.0 * taken.Count(ms => ms <= 60_000) / taken.Count, 1);
        return new DeskFigures(rows.Count, median, worst, within60);
    }

    private static List<DeskAlarm> WithNotes(SqliteConnection c, List<DeskAlarm> alarms)
    {
        for (var i = 0; i < alarms.Count; i++)
        {
            var notes = Sql.Query(c, null, "SELECT by, at, text FROM notes WHERE event_id = $id ORDER BY id", r => new DeskNote(r.GetString(0), r.GetInt64(1), r.GetString(2)), ("$id", alarms[i].EventId));
            alarms[i] = alarms[i] with { Notes = notes };
        }

        return alarms;
    }

    private static DeskAlarm Map(SqliteDataReader r) => new()
    {
        EventId = r.GetString(0),
        Kind = r.GetString(1),
        Type = r.GetString(2),
        Device = r.GetString(3),
        Priority = r.GetInt32(4),
        Received = r.GetInt64(5),
        DeviceTimestamp = r.GetInt64(6),
        Battery = r.Number(7),
        LatitudeMicrodegrees = r.Number(8),
        LongitudeMicrodegrees = r.Number(9),
        Service = r.Text(10),
        State = r.GetString(11),
        TakenBy = r.Text(12),
        TakenAt = r.Number(13),
        EscalatedAt = r.Number(14),
        ClosedAt = r.Number(15),
        Outcome = r.Text(16),
        Provider = r.Text(17),
        PlatformAckBy = r.Text(18),
        PlatformAckAt = r.Number(19),
        ElderRecord = r.Text(20),
        ElderName = r.Text(21),
        ElderAddress = r.Text(22),
        ElderContacts = r.Text(23),
        Source = r.GetString(24),
        CardStatus = !r.GetBoolean(25) ? null : r.GetBoolean(26) ? CardOnRecord : CardNotOnRecord,
    };

    /// <summary><see cref="DeskAlarm.CardStatus"/>: the card tapped at the kiosk belongs to an elder on record.</summary>
    public const string CardOnRecord = "on_record";

    /// <summary><see cref="DeskAlarm.CardStatus"/>: a card the elders' records do not know (issue 13: the request is
    /// filed all the same and flagged, so the staff check who it is).</summary>
    public const string CardNotOnRecord = "not_on_record";
}

/// <summary>One booked alarm or service request as the page shows it (JSON names are the page script's).</summary>
public sealed record DeskAlarm
{
    public required string EventId { get; init; }

    public required string Kind { get; init; }

    public required string Type { get; init; }

    /// <summary>The device concerned (for a device_offline, its <c>subj</c>).</summary>
    public required string Device { get; init; }

    /// <summary>Who made the event: the device, or the gateway for its own alarms.</summary>
    public required string Source { get; init; }

    public required int Priority { get; init; }

    public required long Received { get; init; }

    public required long DeviceTimestamp { get; init; }

    public long? Battery { get; init; }

    public long? LatitudeMicrodegrees { get; init; }

    public long? LongitudeMicrodegrees { get; init; }

    public string? Service { get; init; }

    public required string State { get; init; }

    public string? TakenBy { get; init; }

    public long? TakenAt { get; init; }

    public long? EscalatedAt { get; init; }

    public long? ClosedAt { get; init; }

    public string? Outcome { get; init; }

    public string? Provider { get; init; }

    public string? PlatformAckBy { get; init; }

    public long? PlatformAckAt { get; init; }

    public string? ElderRecord { get; init; }

    public string? ElderName { get; init; }

    public string? ElderAddress { get; init; }

    public string? ElderContacts { get; init; }

    /// <summary>For a request made with a card: <see cref="DeskView.CardOnRecord"/> or <see cref="DeskView.CardNotOnRecord"/>;
    /// null without a card (anonymous, or not a kiosk's event). Never the card itself.</summary>
    public string? CardStatus { get; init; }

    public IReadOnlyList<DeskNote> Notes { get; init; } = [];
}

public sealed record DeskNote(string By, long At, string Text);

/// <summary>Today's figures (times in milliseconds; null when there is nothing to measure).</summary>
public sealed record DeskFigures(int AlarmsToday, long? MedianToTakeMilliseconds, long? WorstToTakeMilliseconds, double? TakenWithin60SecondsPercent);
