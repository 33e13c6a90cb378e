using Eldercare.Firmware.Core.Events;
using Microsoft.VisualBasic.FileIO;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// The elders' records the desk shows beside an alarm: imported from the CSV a community already keeps (header
/// <c>record_no,name,address,emergency_contacts,devices,cards</c>; several devices or cards separated by ';'), edited
/// by an admin on the page. An import is all or nothing: any bad line refuses the file with every problem listed by
/// line number. Card UIDs are stored as keyed hashes (<see cref="CardHasher"/>). Nothing here is logged.
/// </summary>
public sealed class ElderRecords
{
    public static readonly IReadOnlyList<string> Header = ["record_no", "name", "address", "emergency_contacts", "devices", "cards"];

    private readonly ConsoleDatabase _database;
    private readonly CardHasher _cards;
    private readonly DeskChanges _changes;

    public ElderRecords(ConsoleDatabase database, CardHasher cards, DeskChanges changes)
    {
        _database = database;
        _cards = cards;
        _changes = changes;
    }

    /// <summary>Imports (adds or updates by record_no) every row of <paramref name="csv"/>; the problems, empty when it was imported.</summary>
    public ImportResult Import(TextReader csv, string by, long now)
    {
        var (rows, problems) = Parse(csv);
        if (problems.Count > 0)
        {
            return new ImportResult(0, problems);
        }

        _database.Write((c, t) =>
        {
            foreach (var row in rows)
            {
                Sql.Execute(c, t, """
                    INSERT INTO elders(record_no, name, address, contacts, updated) VALUES($r, $n, $a, $k, $now)
                    ON CONFLICT(record_no) DO UPDATE SET name = $n, address = $a, contacts = $k, updated = $now
                    """, ("$r", row.RecordNo), ("$n", row.Name), ("$a", row.Address), ("$k", row.Contacts), ("$now", now));
                var id = (long)Sql.Scalar(c, t, "SELECT id FROM elders WHERE record_no = $r", ("$r", row.RecordNo))!;
                Sql.Execute(c, t, "DELETE FROM elder_devices WHERE elder_id = $e", ("$e", id));
                Sql.Execute(c, t, "DELETE FROM elder_cards WHERE elder_id = $e", ("$e", id));
                foreach (var device in row.Devices)
                {
                    // A device moved to another elder follows the newest record.
                    Sql.Execute(c, t, "INSERT INTO elder_devices(device, elder_id) VALUES($d, $e) ON CONFLICT(device) DO UPDATE SET elder_id = $e", ("$d", device), ("$e", id));
                }

                foreach (var card in row.Cards)
                {
                    Sql.Execute(c, t, "INSERT INTO elder_cards(card_hash, elder_id, hint) VALUES($h, $e, $hint) ON CONFLICT(card_hash) DO UPDATE SET elder_id = $e",
                        ("$h", _cards.Hash(card)), ("$e", id), ("$hint", CardHasher.Hint(card)));
                }
            }

            AuditTrail.Record(c, t, now, by, "elders_import", null, $"{rows.Count} records");
            return 0;
        });
        _changes.Changed();
        return new ImportResult(rows.Count, []);
    }

    /// <summary>An admin's edit of one record's name, address and contacts.</summary>
    public bool Update(long elderId, string name, string address, string contacts, string by, long now)
    {
        var changed = _database.Write((c, t) =>
        {
            var rows = Sql.Execute(c, t, "UPDATE elders SET name = $n, address = $a, contacts = $k, updated = $now WHERE id = $id",
                ("$n", name.Trim()), ("$a", address.Trim()), ("$k", contacts.Trim()), ("$now", now), ("$id", elderId));
            if (rows == 1)
            {
                var record = (string)Sql.Scalar(c, t, "SELECT record_no FROM elders WHERE id = $id", ("$id", elderId))!;
                AuditTrail.Record(c, t, now, by, "elder_edit", record);
            }

            return rows == 1;
        });
        if (changed)
        {
            _changes.Changed();
        }

        return changed;
    }

    public IReadOnlyList<ElderSummary> List() =>
        _database.Read(c => Sql.Query(c, null, """
            SELECT e.id, e.record_no, e.name, e.address, e.contacts,
              (SELECT group_concat(device, ';') FROM elder_devices WHERE elder_id = e.id),
              (SELECT group_concat(hint, ';') FROM elder_cards WHERE elder_id = e.id)
            FROM elders e ORDER BY e.record_no
            """, r => new ElderSummary(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
                Split(r.Text(5)), Split(r.Text(6)))));

    private static string[] Split(string? list) => string.IsNullOrEmpty(list) ? [] : list.Split(';');

    private static (List<ElderRow> Rows, List<string> Problems) Parse(TextReader csv)
    {
        var rows = new List<ElderRow>();
        var problems = new List<string>();
        using var parser = new TextFieldParser(csv) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = true };
        parser.SetDelimiters(",");
        string[]? header;
        try
        {
            header = parser.ReadFields();
        }
        catch (MalformedLineException exception)
        {
            return (rows, [$"line 1: {exception.Message}"]);
        }

        if (header is null || !header.Select(h => h.Trim().ToLowerInvariant()).SequenceEqual(Header))
        {
            return (rows, [$"line 1: the header must be {string.Join(",", Header)}"]);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (!parser.EndOfData)
        {
            var line = parser.LineNumber;
            string[]? fields;
            try
            {
                fields = parser.ReadFields();
            }
            catch (MalformedLineException exception)
            {
                problems.Add($"line {exception.LineNumber}: not valid CSV (an unclosed quote?)");
                continue;
            }

            if (fields is null || fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            if (fields.Length != Header.Count)
            {
                problems.Add($"line {line}: {fields.Length} fields, expected {Header.Count}");
                continue;
            }

            var lineProblems = new List<string>();
            if (fields[0].Length is 0 or > 64)
            {
                lineProblems.Add("record_no is required (at most 64 characters)");
            }
            else if (!seen.Add(fields[0]))
            {
                lineProblems.Add("record_no appears twice in the file");
            }

            if (fields[1].Length is 0 or > 100)
            {
                lineProblems.Add("name is required (at most 100 characters)");
            }

            if (fields[2].Length > 300 || fields[3].Length > 300)
            {
                lineProblems.Add("address and emergency_contacts are at most 300 characters");
            }

            var devices = List(fields[4]);
            lineProblems.AddRange(devices.Where(d => !EventCodec.IsValidDeviceId(d)).Select(d => "devices: not a device id (1-32 of a-z, 0-9, '-')"));
            var cards = new List<string>();
            foreach (var card in List(fields[5]))
            {
                if (CardHasher.TryNormalize(card, out var uid))
                {
                    cards.Add(uid);
                }
                else
                {
                    // The value itself is not repeated: it may be a real card's UID.
                    lineProblems.Add("cards: not a card UID (hex of 4, 7 or 10 bytes)");
                }
            }

            if (lineProblems.Count > 0)
            {
                problems.AddRange(lineProblems.Distinct().Select(p => $"line {line}: {p}"));
                continue;
            }

            rows.Add(new ElderRow(fields[0], fields[1], fields[2], fields[3], devices, cards));
        }

        if (rows.Count == 0 && problems.Count == 0)
        {
            problems.Add("the file has a header but no records");
        }

        return (rows, problems);
    }

    private static List<string> List(string field) =>
        field.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();

    private sealed record ElderRow(string RecordNo, string Name, string Address, string Contacts, List<string> Devices, List<string> Cards);
}

public sealed record ImportResult(int Imported, IReadOnlyList<string> Problems);

/// <summary>An elder's record as the admin page lists it (cards as hints only).</summary>
public sealed record ElderSummary(long Id, string RecordNo, string Name, string Address, string Contacts, IReadOnlyList<string> Devices, IReadOnlyList<string> CardHints);
