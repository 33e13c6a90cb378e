using Eldercare.Edge.Gateway.Store;
using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Health;

/// <summary>
/// What device health keeps across restarts, in <c>health.db</c> beside the event store (its own file: the store's
/// writer and schema stay the store's). SQLite WAL, <c>synchronous=FULL</c>:
/// <list type="bullet">
/// <item><c>meta</c>: the gateway's boot epoch, bumped at every open (as a device's);</item>
/// <item><c>sequences</c>: the next seq per boot epoch, written with every event made in it, so an id is never reused;</item>
/// <item><c>offline</c>: the open alarms, written at once when raised or cleared (one transaction per pass);</item>
/// <item><c>outbox</c>: each gateway event's payload, written in that same transaction before its append and removed
/// after it, so a crash in between re-appends the same bytes (a duplicate of one id, never a second payload);</item>
/// <item><c>last_seen</c>: per device, written in batches (<see cref="DeviceHealthOptions.LastSeenSaveIntervalSeconds"/>),
/// with the heartbeat period its last heartbeat reported (<c>heartbeat_s</c>, 0 = none; written at the next pass when it
/// changes), so a device configured to a long period is not called offline by the default one after a restart.</item>
/// </list>
/// Called from the monitor's pass (one at a time) and at start and stop; a lock keeps the connection to one caller.
/// </summary>
public sealed class HealthStateStore : IDisposable
{
    public const string FileName = "health.db";

    private readonly object _gate = new();
    private readonly SqliteConnection _connection;
    private readonly Dictionary<int, int> _nextSequence = [];

    private HealthStateStore(SqliteConnection connection, int boot)
    {
        _connection = connection;
        Boot = boot;
    }

    /// <summary>This run's boot epoch (1 at the first start).</summary>
    public int Boot { get; }

    public string Path => _connection.DataSource;

    /// <summary>Opens (or creates) <c>health.db</c> in <paramref name="directory"/> and starts a new boot epoch.</summary>
    public static HealthStateStore Open(string directory)
    {
        Directory.CreateDirectory(directory);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = System.IO.Path.Combine(directory, FileName),
            Pooling = false,
        }.ToString());
        connection.Open();
        try
        {
            Execute(connection, null, """
                PRAGMA journal_mode=WAL;
                PRAGMA synchronous=FULL;
                PRAGMA busy_timeout=5000;
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS sequences(boot INTEGER PRIMARY KEY, next_seq INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS offline(device TEXT PRIMARY KEY, alarm_id TEXT NOT NULL, boot INTEGER NOT NULL,
                    seq INTEGER NOT NULL, raised_at INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS outbox(position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
                    payload TEXT NOT NULL, rx INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS last_seen(device TEXT PRIMARY KEY, seen_at INTEGER NOT NULL) WITHOUT ROWID;
                """);
            AddHeartbeatColumn(connection);
            using var transaction = connection.BeginTransaction();
            using var read = connection.CreateCommand();
            read.Transaction = transaction;
            read.CommandText = "SELECT value FROM meta WHERE key = 'boot'";
            var boot = read.ExecuteScalar() is long previous ? checked((int)previous + 1) : 1;
            Execute(connection, transaction, "INSERT INTO meta(key, value) VALUES('boot', $boot) ON CONFLICT(key) DO UPDATE SET value = excluded.value", ("$boot", boot));
            transaction.Commit();
            return new HealthStateStore(connection, boot);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A boot epoch of the gateway's id for another maker of gateway events (the console's <c>alarm_taken</c>): the
    /// shared counter bumped and fsynced, so that maker's ids (<c>gateway:boot:seq</c>) never meet this run's or a later
    /// run's device_offline/device_online ids.
    /// </summary>
    public int ReserveBootEpoch()
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var read = _connection.CreateCommand();
            read.Transaction = transaction;
            read.CommandText = "SELECT value FROM meta WHERE key = 'boot'";
            var boot = checked((int)(long)read.ExecuteScalar()! + 1);
            Execute(_connection, transaction, "UPDATE meta SET value = $boot WHERE key = 'boot'", ("$boot", boot));
            transaction.Commit();
            return boot;
        }
    }

    /// <summary>The next unused seq of <paramref name="boot"/> (this run's, or an open alarm's for its online event);
    /// made durable by the <see cref="Commit"/> of the event that uses it.</summary>
    public int NextSequence(int boot)
    {
        lock (_gate)
        {
            if (!_nextSequence.TryGetValue(boot, out var next))
            {
                using var read = _connection.CreateCommand();
                read.CommandText = "SELECT next_seq FROM sequences WHERE boot = $boot";
                read.Parameters.AddWithValue("$boot", boot);
                next = read.ExecuteScalar() is long stored ? (int)stored : 1;
            }

            _nextSequence[boot] = next + 1;
            return next;
        }
    }

    public List<DevicePresence.Seen> LoadLastSeen() =>
        Query("SELECT device, seen_at, heartbeat_s FROM last_seen", r => new DevicePresence.Seen(r.GetString(0), r.GetInt64(1), r.GetInt32(2)));

    public List<OpenAlarm> LoadOpenAlarms() =>
        Query("SELECT device, alarm_id, boot, seq, raised_at FROM offline", r => new OpenAlarm(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), r.GetInt64(4)));

    /// <summary>Gateway events written but not known to be in the event store, in the order they were made.</summary>
    public List<EventRecord> LoadOutbox() =>
        Query("SELECT payload, rx FROM outbox ORDER BY position", r => GatewayEvents.FromPayload(r.GetString(0), r.GetInt64(1)));

    /// <summary>
    /// One transaction, fsynced: the alarms raised and cleared in a pass, and their events (with the seqs they use)
    /// into the outbox. After it returns the events may be appended; before, nothing of the pass happened.
    /// </summary>
    public void Commit(IReadOnlyList<OpenAlarm> raised, IReadOnlyList<string> cleared, IReadOnlyList<EventRecord> events)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            foreach (var alarm in raised)
            {
                Execute(_connection, transaction, "INSERT OR REPLACE INTO offline(device, alarm_id, boot, seq, raised_at) VALUES($d, $id, $b, $s, $t)",
                    ("$d", alarm.DeviceId), ("$id", alarm.AlarmId), ("$b", alarm.Boot), ("$s", alarm.Seq), ("$t", alarm.RaisedUnixMilliseconds));
            }

            foreach (var device in cleared)
            {
                Execute(_connection, transaction, "DELETE FROM offline WHERE device = $d", ("$d", device));
            }

            foreach (var e in events)
            {
                Execute(_connection, transaction, "INSERT OR IGNORE INTO outbox(id, payload, rx) VALUES($id, $p, $rx)", ("$id", e.Id), ("$p", e.Payload), ("$rx", e.ReceivedUnixMilliseconds));
                Execute(_connection, transaction, "INSERT INTO sequences(boot, next_seq) VALUES($b, $n) ON CONFLICT(boot) DO UPDATE SET next_seq = max(next_seq, excluded.next_seq)",
                    ("$b", e.BootEpoch), ("$n", e.Sequence + 1));
            }

            transaction.Commit();
        }
    }

    /// <summary>These events are in the event store: out of the outbox. Lost in a crash, they are appended again at
    /// the next start and found there as duplicates of the same payload.</summary>
    public void Appended(IReadOnlyCollection<string> ids)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            foreach (var id in ids)
            {
                Execute(_connection, transaction, "DELETE FROM outbox WHERE id = $id", ("$id", id));
            }

            transaction.Commit();
        }
    }

    /// <summary>Last-seen times and reported periods in one transaction (a batch, not a write per event: an SD card's life).</summary>
    public void SaveLastSeen(IReadOnlyList<DevicePresence.Seen> changed)
    {
        if (changed.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            foreach (var seen in changed)
            {
                Execute(_connection, transaction, "INSERT INTO last_seen(device, seen_at, heartbeat_s) VALUES($d, $t, $h) ON CONFLICT(device) DO UPDATE SET seen_at = excluded.seen_at, heartbeat_s = excluded.heartbeat_s",
                    ("$d", seen.DeviceId), ("$t", seen.LastSeenUnixMilliseconds), ("$h", seen.HeartbeatSeconds));
            }

            transaction.Commit();
        }
    }

    /// <summary>A device no longer in the registry: nothing of it is kept (its open alarm, if any, stays at the platform).</summary>
    public void Forget(string deviceId)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            Execute(_connection, transaction, "DELETE FROM last_seen WHERE device = $d", ("$d", deviceId));
            Execute(_connection, transaction, "DELETE FROM offline WHERE device = $d", ("$d", deviceId));
            transaction.Commit();
        }
    }

    /// <summary>A health.db of a gateway before reported periods has <c>last_seen</c> without <c>heartbeat_s</c>: added,
    /// 0 (none reported) for every device it holds, so those are timed by the configured period until they report.</summary>
    private static void AddHeartbeatColumn(SqliteConnection connection)
    {
        using var columns = connection.CreateCommand();
        columns.CommandText = "SELECT count(*) FROM pragma_table_info('last_seen') WHERE name = 'heartbeat_s'";
        if ((long)columns.ExecuteScalar()! == 0)
        {
            Execute(connection, null, "ALTER TABLE last_seen ADD COLUMN heartbeat_s INTEGER NOT NULL DEFAULT 0");
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
        }
    }

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> map)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(map(reader));
            }

            return rows;
        }
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }
}
