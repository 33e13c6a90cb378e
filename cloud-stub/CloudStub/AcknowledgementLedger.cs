using Eldercare.Firmware.Core.Commands;
using Eldercare.Firmware.Core.Events;
using Microsoft.Data.Sqlite;

namespace Eldercare.CloudStub;

/// <summary>
/// One item of a gateway's downlink feed: an acknowledgement (<see cref="Type"/> = the event's type, <see cref="Id"/> = the
/// event's id) or a configuration (<see cref="Type"/> = <c>config</c>, <see cref="Id"/> = <c>config:dev:ver</c>,
/// <see cref="Payload"/> = the command as the device gets it). <see cref="Seq"/> is its place in the ledger (the cursor).
/// </summary>
public sealed record AcknowledgementView(long Seq, string Id, string Dev, string Type, string Gateway, long Ts, string? By, string? Payload = null);

/// <summary>What <see cref="AcknowledgementLedger.ConfigureAsync"/> did.</summary>
public enum ConfigureOutcome
{
    Queued,
    AlreadyQueued,
    UnknownDevice,
    VersionConflict,
}

/// <summary>What <see cref="AcknowledgementLedger.AcknowledgeAsync"/> did.</summary>
public enum AcknowledgeOutcome
{
    Acknowledged,
    AlreadyAcknowledged,
    UnknownEvent,
    NotAcknowledgeable,
}

/// <summary>
/// The platform's acknowledgements of alarms (an operator has seen it), kept in <c>cloud.db</c> next to the events
/// (its own connection; its writes go through the events store's gate as urgent requests, so an acknowledgement waits
/// for one upload chunk at most, never for SQLite's busy polling against an upload). Idempotent by event id:
/// the first acknowledgement is kept, a second one answers with the first. Each gateway reads the ones for its own
/// events after its cursor, waiting for new ones (a long poll: the gateway opens the connection, the platform never
/// reaches into the community's network). The same feed carries configuration downlinks (type <c>config</c>), so one
/// cursor orders both.
/// </summary>
public sealed class AcknowledgementLedger : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly EventsDatabase? _events;
    private readonly object _lock = new();
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="events">The events store of the same <c>cloud.db</c>, whose gate orders this ledger's writes with its
    /// uploads (null: the ledger writes on its own, as when nothing else writes the file).</param>
    public AcknowledgementLedger(string directory, EventsDatabase? events = null)
    {
        _events = events;
        Directory.CreateDirectory(directory);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "cloud.db"), Pooling = false }.ToString());
        _connection.Open();
        using var command = _connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            PRAGMA busy_timeout=10000;
            PRAGMA wal_autocheckpoint=0;
            CREATE TABLE IF NOT EXISTS acks(
              seq INTEGER PRIMARY KEY AUTOINCREMENT,
              id TEXT NOT NULL UNIQUE, dev TEXT NOT NULL, type TEXT NOT NULL, gateway TEXT NOT NULL,
              ts INTEGER NOT NULL, by TEXT);
            CREATE INDEX IF NOT EXISTS acks_gateway ON acks(gateway, seq);
            """;
        command.ExecuteNonQuery();
        // A cloud.db from before configurations gets the payload column (no data rewritten).
        using var columns = _connection.CreateCommand();
        columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('acks') WHERE name = 'payload'";
        if ((long)columns.ExecuteScalar()! == 0)
        {
            using var alter = _connection.CreateCommand();
            alter.CommandText = "ALTER TABLE acks ADD COLUMN payload TEXT";
            alter.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Queues the configuration <paramref name="payload"/> (version <paramref name="version"/>) for <paramref name="dev"/>,
    /// through the gateway that last forwarded one of its events. Idempotent by (device, version): the same payload again
    /// answers with the first; another payload under a version already queued is a conflict.
    /// </summary>
    public Task<(ConfigureOutcome Outcome, AcknowledgementView? Item)> ConfigureAsync(string dev, int version, string payload, string? by, Func<long> nowUnixMilliseconds) =>
        _events is null ? Task.FromResult(Configure(dev, version, payload, by, nowUnixMilliseconds())) : _events.WriteBesideAsync(() => Configure(dev, version, payload, by, nowUnixMilliseconds()));

    /// <summary>The configurations queued for <paramref name="dev"/>, in order.</summary>
    public IReadOnlyList<AcknowledgementView> Configurations(string dev)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT seq, id, dev, type, gateway, ts, by, payload FROM acks WHERE type = 'config' AND dev = $dev ORDER BY seq";
            command.Parameters.AddWithValue("$dev", dev);
            using var rows = command.ExecuteReader();
            var result = new List<AcknowledgementView>();
            while (rows.Read())
            {
                result.Add(ViewOf(rows));
            }

            return result;
        }
    }

    private (ConfigureOutcome Outcome, AcknowledgementView? Item) Configure(string dev, int version, string payload, string? by, long nowUnixMilliseconds)
    {
        lock (_lock)
        {
            var id = $"config:{dev}:{version}";
            var existing = Find(id);
            if (existing is not null)
            {
                return (Settings(existing.Payload) == Settings(payload) ? ConfigureOutcome.AlreadyQueued : ConfigureOutcome.VersionConflict, existing);
            }

            using var lookup = _connection.CreateCommand();
            lookup.CommandText = "SELECT gateway FROM events WHERE dev = $dev ORDER BY arrival DESC LIMIT 1";
            lookup.Parameters.AddWithValue("$dev", dev);
            if (lookup.ExecuteScalar() is not string gateway)
            {
                return (ConfigureOutcome.UnknownDevice, null);
            }

            using var insert = _connection.CreateCommand();
            insert.CommandText = "INSERT INTO acks(id, dev, type, gateway, ts, by, payload) VALUES($id, $dev, 'config', $gateway, $ts, $by, $payload) RETURNING seq";
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$dev", dev);
            insert.Parameters.AddWithValue("$gateway", gateway);
            insert.Parameters.AddWithValue("$ts", nowUnixMilliseconds);
            insert.Parameters.AddWithValue("$by", (object?)by ?? DBNull.Value);
            insert.Parameters.AddWithValue("$payload", payload);
            var seq = (long)insert.ExecuteScalar()!;
            var previous = _added;
            _added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            previous.TrySetResult();
            return (ConfigureOutcome.Queued, new AcknowledgementView(seq, id, dev, "config", gateway, nowUnixMilliseconds, by, payload));
        }
    }

    /// <summary>Acknowledges the stored event <paramref name="id"/>; the acknowledgement (the first one, if it was already) or null.</summary>
    public Task<(AcknowledgeOutcome Outcome, AcknowledgementView? Ack, string? Type)> AcknowledgeAsync(string id, string? by, Func<long> nowUnixMilliseconds) =>
        _events is null ? Task.FromResult(Acknowledge(id, by, nowUnixMilliseconds())) : _events.WriteBesideAsync(() => Acknowledge(id, by, nowUnixMilliseconds()));

    // The ledger's commits do not checkpoint (wal_autocheckpoint=0 above): the events store's checkpoint thread copies
    // the shared WAL; an automatic checkpoint in an acknowledgement's commit would copy an upload's pages inline.
    private (AcknowledgeOutcome Outcome, AcknowledgementView? Ack, string? Type) Acknowledge(string id, string? by, long nowUnixMilliseconds)
    {
        lock (_lock)
        {
            var existing = Find(id);
            if (existing is not null)
            {
                return (AcknowledgeOutcome.AlreadyAcknowledged, existing, existing.Type);
            }

            using var lookup = _connection.CreateCommand();
            // The events store knows each id's row (it keeps no index on id); without it (a ledger on its own) a scan.
            if (_events is not null)
            {
                if (_events.ArrivalOf(id) is not { } arrival)
                {
                    return (AcknowledgeOutcome.UnknownEvent, null, null);
                }

                lookup.CommandText = "SELECT dev, type, gateway FROM events WHERE arrival = $arrival";
                lookup.Parameters.AddWithValue("$arrival", arrival);
            }
            else
            {
                lookup.CommandText = "SELECT dev, type, gateway FROM events WHERE id = $id";
                lookup.Parameters.AddWithValue("$id", id);
            }

            string dev, type, gateway;
            using (var rows = lookup.ExecuteReader())
            {
                if (!rows.Read())
                {
                    return (AcknowledgeOutcome.UnknownEvent, null, null);
                }

                (dev, type, gateway) = (rows.GetString(0), rows.GetString(1), rows.GetString(2));
            }

            if (!EventTypes.IsAcknowledgeable(type))
            {
                return (AcknowledgeOutcome.NotAcknowledgeable, null, type);
            }

            using var insert = _connection.CreateCommand();
            insert.CommandText = "INSERT INTO acks(id, dev, type, gateway, ts, by) VALUES($id, $dev, $type, $gateway, $ts, $by) RETURNING seq";
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$dev", dev);
            insert.Parameters.AddWithValue("$type", type);
            insert.Parameters.AddWithValue("$gateway", gateway);
            insert.Parameters.AddWithValue("$ts", nowUnixMilliseconds);
            insert.Parameters.AddWithValue("$by", (object?)by ?? DBNull.Value);
            var seq = (long)insert.ExecuteScalar()!;
            var previous = _added;
            _added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            previous.TrySetResult();
            return (AcknowledgeOutcome.Acknowledged, new AcknowledgementView(seq, id, dev, type, gateway, nowUnixMilliseconds, by), type);
        }
    }

    /// <summary>
    /// Up to <paramref name="max"/> acknowledgements of <paramref name="gateway"/>'s events after <paramref name="after"/>,
    /// waiting up to <paramref name="wait"/> for the first one when there are none yet.
    /// </summary>
    public async Task<IReadOnlyList<AcknowledgementView>> ReadAsync(string gateway, long after, int max, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            Task added;
            lock (_lock)
            {
                added = _added.Task;
                var found = Read(gateway, after, max);
                if (found.Count > 0 || DateTime.UtcNow >= deadline)
                {
                    return found;
                }
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                continue;
            }

            try
            {
                await added.WaitAsync(left, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    /// <summary>
    /// Up to <paramref name="max"/> items of every gateway's feed (acknowledgements and configurations) after
    /// <paramref name="after"/>, waiting up to <paramref name="wait"/> for the first one (the JetStream feed publisher).
    /// </summary>
    public async Task<IReadOnlyList<AcknowledgementView>> ReadAnyAsync(long after, int max, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            Task added;
            lock (_lock)
            {
                added = _added.Task;
                var found = Query("SELECT seq, id, dev, type, gateway, ts, by, payload FROM acks WHERE seq > $after ORDER BY seq LIMIT $max", null, after, max);
                if (found.Count > 0 || DateTime.UtcNow >= deadline)
                {
                    return found;
                }
            }

            var left = deadline - DateTime.UtcNow;
            if (left > TimeSpan.Zero)
            {
                try
                {
                    await added.WaitAsync(left, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                }
            }
        }
    }

    /// <summary>Every acknowledgement, in order (the query API).</summary>
    public IReadOnlyList<AcknowledgementView> All()
    {
        lock (_lock)
        {
            return Query("SELECT seq, id, dev, type, gateway, ts, by, payload FROM acks WHERE type <> 'config' ORDER BY seq", null, 0, int.MaxValue);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _connection.Dispose();
        }
    }

    private AcknowledgementView? Find(string id)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT seq, id, dev, type, gateway, ts, by, payload FROM acks WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var rows = command.ExecuteReader();
        return rows.Read() ? ViewOf(rows) : null;
    }

    private List<AcknowledgementView> Read(string gateway, long after, int max) =>
        Query("SELECT seq, id, dev, type, gateway, ts, by, payload FROM acks WHERE gateway = $gateway AND seq > $after ORDER BY seq LIMIT $max", gateway, after, max);

    private List<AcknowledgementView> Query(string sql, string? gateway, long after, int max)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$gateway", (object?)gateway ?? DBNull.Value);
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$max", max);
        using var rows = command.ExecuteReader();
        var result = new List<AcknowledgementView>();
        while (rows.Read())
        {
            result.Add(ViewOf(rows));
        }

        return result;
    }

    /// <summary>A configuration's version and settings without when or by whom it was sent (what a repeat must match).</summary>
    private static string? Settings(string? payload)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(payload ?? string.Empty);
        var decoded = CommandCodec.Decode(bytes, bytes.Length);
        return decoded.IsValid && decoded.Command.Config is { } config ? CommandCodec.EncodeConfigToString(config, 0, null) : null;
    }

    private static AcknowledgementView ViewOf(SqliteDataReader rows) =>
        new(rows.GetInt64(0), rows.GetString(1), rows.GetString(2), rows.GetString(3), rows.GetString(4), rows.GetInt64(5), rows.IsDBNull(6) ? null : rows.GetString(6),
            rows.IsDBNull(7) ? null : rows.GetString(7));
}
