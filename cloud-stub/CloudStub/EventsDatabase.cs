using Microsoft.Data.Sqlite;

namespace Eldercare.CloudStub;

/// <summary>
/// The stub's store: one SQLite file, events keyed by id (INSERT OR IGNORE makes a re-sent event a
/// duplicate, not a second row). WAL + synchronous=FULL: what the stub answered as stored survives
/// the stub being killed, so fault tests can trust "stored exactly once".
/// </summary>
public sealed class EventsDatabase : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _lock = new(1, 1);

    public EventsDatabase(string directory)
    {
        Directory.CreateDirectory(directory);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "cloud.db"), Pooling = false }.ToString());
        _connection.Open();
        using var command = _connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            CREATE TABLE IF NOT EXISTS events(
              arrival INTEGER PRIMARY KEY,
              id TEXT NOT NULL UNIQUE,
              dev TEXT NOT NULL, type TEXT NOT NULL, lane TEXT NOT NULL,
              boot INTEGER NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL, rx INTEGER NOT NULL,
              cloud_rx INTEGER NOT NULL, gateway TEXT NOT NULL, payload TEXT NOT NULL, skew_ms INTEGER);
            CREATE INDEX IF NOT EXISTS events_dev ON events(dev);
            """;
        command.ExecuteNonQuery();
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('events') WHERE name = 'skew_ms'";
        if ((long)command.ExecuteScalar()! == 0)
        {
            // A cloud.db from before skewMs existed.
            command.CommandText = "ALTER TABLE events ADD COLUMN skew_ms INTEGER";
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Stores the events in one transaction; returns which were new and which were already there.</summary>
    public async Task<(List<IncomingEvent> Stored, List<string> Duplicates)> StoreAsync(string gateway, IReadOnlyList<IncomingEvent> events, long cloudReceivedUnixMilliseconds)
    {
        var stored = new List<IncomingEvent>();
        var duplicates = new List<string>();
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            using var transaction = _connection.BeginTransaction();
            using var insert = _connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT OR IGNORE INTO events(id, dev, type, lane, boot, seq, ts, rx, cloud_rx, gateway, payload, skew_ms) VALUES($id, $dev, $type, $lane, $boot, $seq, $ts, $rx, $cloudRx, $gateway, $payload, $skew)";
            var pId = insert.Parameters.Add("$id", SqliteType.Text);
            var pDev = insert.Parameters.Add("$dev", SqliteType.Text);
            var pType = insert.Parameters.Add("$type", SqliteType.Text);
            var pLane = insert.Parameters.Add("$lane", SqliteType.Text);
            var pBoot = insert.Parameters.Add("$boot", SqliteType.Integer);
            var pSeq = insert.Parameters.Add("$seq", SqliteType.Integer);
            var pTs = insert.Parameters.Add("$ts", SqliteType.Integer);
            var pRx = insert.Parameters.Add("$rx", SqliteType.Integer);
            insert.Parameters.AddWithValue("$cloudRx", cloudReceivedUnixMilliseconds);
            insert.Parameters.AddWithValue("$gateway", gateway);
            var pPayload = insert.Parameters.Add("$payload", SqliteType.Text);
            var pSkew = insert.Parameters.Add("$skew", SqliteType.Integer);
            foreach (var e in events)
            {
                pId.Value = e.Id;
                pDev.Value = e.Dev;
                pType.Value = e.Type;
                pLane.Value = e.Lane;
                pBoot.Value = e.Boot;
                pSeq.Value = e.Seq;
                pTs.Value = e.Ts;
                pRx.Value = e.Rx;
                pPayload.Value = e.Payload;
                pSkew.Value = (object?)e.SkewMs ?? DBNull.Value;
                if (insert.ExecuteNonQuery() == 1)
                {
                    stored.Add(e);
                }
                else
                {
                    duplicates.Add(e.Id);
                }
            }

            transaction.Commit();
        }
        finally
        {
            _lock.Release();
        }

        return (stored, duplicates);
    }

    public async Task<List<StoredEventView>> QueryAsync(string? dev, string? type)
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT id, dev, type, lane, boot, seq, ts, rx, cloud_rx, gateway, skew_ms FROM events WHERE ($dev IS NULL OR dev = $dev) AND ($type IS NULL OR type = $type) ORDER BY arrival";
            command.Parameters.AddWithValue("$dev", (object?)dev ?? DBNull.Value);
            command.Parameters.AddWithValue("$type", (object?)type ?? DBNull.Value);
            using var rows = command.ExecuteReader();
            var result = new List<StoredEventView>();
            while (rows.Read())
            {
                result.Add(new StoredEventView(rows.GetString(0), rows.GetString(1), rows.GetString(2), rows.GetString(3),
                    rows.GetInt32(4), rows.GetInt32(5), rows.GetInt64(6), rows.GetInt64(7), rows.GetInt64(8), rows.GetString(9),
                    rows.IsDBNull(10) ? null : rows.GetInt64(10)));
            }

            return result;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task<(long Total, long Alarms, long Telemetry)> CountAsync()
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*), COALESCE(SUM(lane = 'alarm'), 0), COALESCE(SUM(lane = 'telemetry'), 0) FROM events";
            using var rows = command.ExecuteReader();
            rows.Read();
            return (rows.GetInt64(0), rows.GetInt64(1), rows.GetInt64(2));
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose()
    {
        _connection.Dispose();
        _lock.Dispose();
    }
}
