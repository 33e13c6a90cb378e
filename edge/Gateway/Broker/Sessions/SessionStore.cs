using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Broker.Sessions;

/// <summary>A persistent session as stored: the device, how long it outlives a disconnect, whether it holds the
/// subscription to its commands topic, and when its device last went away (Unix ms; null while connected).</summary>
internal sealed record StoredSession(string DeviceId, long ExpirySeconds, bool Subscribed, long? DisconnectedAtMs);

/// <summary>The oldest downlink of a device: its store sequence (order and packet identifier) and whether it was sent.</summary>
internal sealed record StoredDownlink(long Sequence, byte[] Payload, bool Sent);

/// <summary>
/// The durable half of the device listener's MQTT sessions: <c>sessions.db</c> beside <c>events.db</c>, its own
/// SQLite file so that the event store (rebuilt separately, issue 12) and this one never share a writer. Two tables:
/// <c>sessions</c> (persistent sessions only: a clean session lives in memory and ends with its connection) and
/// <c>downlinks</c> (queued and in-flight QoS 1 messages, in enqueue order). Downlinks are rare (acknowledgements,
/// configuration), so every call is one small transaction on one connection under one lock; no writer thread.
/// Durability: WAL with <c>synchronous=FULL</c> (each commit fsyncs the log) for everything a device or a producer
/// relies on: a queued downlink, its removal after PUBACK, a session and its subscription (a Session Present flag
/// must never claim a subscription that a power cut lost). Two writes take <c>NORMAL</c> (no fsync; they survive a
/// process kill, a power cut may lose them, and losing them is harmless): the "sent" mark (only the DUP flag of a
/// resend depends on it) and the disconnect time (only the session's expiry is measured from it; see
/// <see cref="Open"/> for sessions whose disconnect was never written).
/// </summary>
internal sealed class SessionStore : IDisposable
{
    public const string FileName = "sessions.db";

    private readonly object _gate = new();
    private readonly SqliteConnection _connection;
    private bool _full = true;

    private SessionStore(SqliteConnection connection) => _connection = connection;

    public string Path => _connection.DataSource;

    /// <summary>
    /// Opens (or creates) <c>sessions.db</c> in <paramref name="directory"/>. A session left connected by a gateway
    /// that died has no disconnect time: its network connection ended with that process, so the time of this start
    /// is written as its disconnect (MQTT 5 4.1: the expiry counts from when the connection closed).
    /// </summary>
    public static SessionStore Open(string directory, long nowUnixMs)
    {
        Directory.CreateDirectory(directory);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = System.IO.Path.Combine(directory, FileName),
            Pooling = false,
        }.ToString());
        connection.Open();
        var store = new SessionStore(connection);
        store.Execute("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            PRAGMA busy_timeout=5000;
            CREATE TABLE IF NOT EXISTS sessions(
                device_id TEXT PRIMARY KEY,
                expiry_seconds INTEGER NOT NULL,
                subscribed INTEGER NOT NULL,
                disconnected_at INTEGER) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS downlinks(
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                device_id TEXT NOT NULL,
                payload BLOB NOT NULL,
                enqueued_at INTEGER NOT NULL,
                sent INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS downlinks_device ON downlinks(device_id, seq);
            """);
        store.Execute("UPDATE sessions SET disconnected_at = $now WHERE disconnected_at IS NULL", ("$now", nowUnixMs));
        return store;
    }

    public IReadOnlyList<StoredSession> LoadSessions()
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT device_id, expiry_seconds, subscribed, disconnected_at FROM sessions";
            using var reader = command.ExecuteReader();
            var sessions = new List<StoredSession>();
            while (reader.Read())
            {
                sessions.Add(new StoredSession(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2) != 0, reader.IsDBNull(3) ? null : reader.GetInt64(3)));
            }

            return sessions;
        }
    }

    /// <summary>Queued downlinks per device (in flight included).</summary>
    public IReadOnlyDictionary<string, int> LoadDepths()
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT device_id, COUNT(*) FROM downlinks GROUP BY device_id";
            using var reader = command.ExecuteReader();
            var depths = new Dictionary<string, int>(StringComparer.Ordinal);
            while (reader.Read())
            {
                depths[reader.GetString(0)] = reader.GetInt32(1);
            }

            return depths;
        }
    }

    /// <summary>Creates or updates a persistent session (fsynced); a connected session has no disconnect time.</summary>
    public void SaveSession(string deviceId, long expirySeconds, bool subscribed) =>
        Write(durable: true, """
            INSERT INTO sessions(device_id, expiry_seconds, subscribed, disconnected_at) VALUES($d, $e, $s, NULL)
            ON CONFLICT(device_id) DO UPDATE SET expiry_seconds = $e, subscribed = $s, disconnected_at = NULL
            """, ("$d", deviceId), ("$e", expirySeconds), ("$s", subscribed ? 1 : 0));

    public void MarkDisconnected(string deviceId, long atUnixMs) =>
        Write(durable: false, "UPDATE sessions SET disconnected_at = $t WHERE device_id = $d", ("$d", deviceId), ("$t", atUnixMs));

    /// <summary>Ends a session: its row and every downlink queued for the device, in one fsynced transaction.</summary>
    /// <returns>How many downlinks were discarded with it.</returns>
    public int DeleteSession(string deviceId)
    {
        lock (_gate)
        {
            SetDurable(true);
            using var transaction = _connection.BeginTransaction();
            var discarded = Run(transaction, "DELETE FROM downlinks WHERE device_id = $d", ("$d", deviceId));
            Run(transaction, "DELETE FROM sessions WHERE device_id = $d", ("$d", deviceId));
            transaction.Commit();
            return discarded;
        }
    }

    /// <summary>Appends a downlink; returns once it is on disk (fsync). Its sequence orders it after every earlier one.</summary>
    public long AppendDownlink(string deviceId, byte[] payload, long nowUnixMs)
    {
        lock (_gate)
        {
            SetDurable(true);
            using var command = _connection.CreateCommand();
            command.CommandText = "INSERT INTO downlinks(device_id, payload, enqueued_at) VALUES($d, $p, $t) RETURNING seq";
            command.Parameters.AddWithValue("$d", deviceId);
            command.Parameters.AddWithValue("$p", payload);
            command.Parameters.AddWithValue("$t", nowUnixMs);
            return (long)command.ExecuteScalar()!;
        }
    }

    public StoredDownlink? ReadHead(string deviceId)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT seq, payload, sent FROM downlinks WHERE device_id = $d ORDER BY seq LIMIT 1";
            command.Parameters.AddWithValue("$d", deviceId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? new StoredDownlink(reader.GetInt64(0), (byte[])reader.GetValue(1), reader.GetInt64(2) != 0) : null;
        }
    }

    public void MarkSent(long sequence) => Write(durable: false, "UPDATE downlinks SET sent = 1 WHERE seq = $s", ("$s", sequence));

    /// <summary>Removes a downlink the device acknowledged (fsynced: it is not sent again after a restart).</summary>
    public void DeleteDownlink(long sequence) => Write(durable: true, "DELETE FROM downlinks WHERE seq = $s", ("$s", sequence));

    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
        }
    }

    private void Write(bool durable, string sql, params (string Name, object Value)[] parameters)
    {
        lock (_gate)
        {
            SetDurable(durable);
            Run(null, sql, parameters);
        }
    }

    private void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_gate)
        {
            Run(null, sql, parameters);
        }
    }

    // synchronous is a property of the connection, switched only when the next write needs the other setting.
    private void SetDurable(bool durable)
    {
        if (_full != durable)
        {
            Run(null, durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
            _full = durable;
        }
    }

    private int Run(SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }
}
