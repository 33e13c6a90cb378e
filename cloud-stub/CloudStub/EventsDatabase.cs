using Eldercare.Firmware.Core.Events;
using Microsoft.Data.Sqlite;

namespace Eldercare.CloudStub;

/// <summary>
/// The stub's store: one SQLite file, events stored once by id (a re-sent event is a duplicate, not a second row).
/// The ids are kept in memory (<see cref="_ids"/>, loaded from the table at open, so it is what the file committed, also
/// after a kill), not in a unique index: every id lands at a random place of such an index, so each stored event
/// rewrote one 4 KB index page in the WAL (and again at the checkpoint), ~1/3 of the stub's CPU per event at full
/// speed (bench/README.md "issue 12: ingest CPU"). WAL + synchronous=NORMAL: what the stub answered as stored survives
/// the stub being killed (the WAL is in the OS's hands once the commit returns; only a power cut of the
/// host could lose it, and this is a stub), so fault tests can trust "stored exactly once".
/// </summary>
public sealed class EventsDatabase : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly PriorityGate _gate = new();
    private readonly SqliteConnection _checkpointer;
    private readonly Thread _checkpointThread;
    private readonly ManualResetEventSlim _committed = new(false);
    private volatile bool _stopping;
    private RawInsert? _insert;

    /// <summary>Every stored id: its row (<c>arrival</c>) and payload digest (null: a row from before digests). Changed
    /// and read only under <see cref="_gate"/>; an id enters when its insert ran and leaves again if its transaction
    /// does not commit.</summary>
    private readonly Dictionary<string, StoredId> _ids = new(StringComparer.Ordinal);

    private readonly record struct StoredId(long Arrival, ulong? Digest);

    public EventsDatabase(string directory)
    {
        Directory.CreateDirectory(directory);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "cloud.db"), Pooling = false }.ToString();
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        using var command = _connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            PRAGMA cache_size=-32768;
            PRAGMA temp_store=MEMORY;
            PRAGMA wal_autocheckpoint=0;
            PRAGMA journal_size_limit=67108864;
            CREATE TABLE IF NOT EXISTS events(
              arrival INTEGER PRIMARY KEY,
              id TEXT NOT NULL,
              dev TEXT NOT NULL, type TEXT NOT NULL, lane TEXT NOT NULL,
              boot INTEGER NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL, rx INTEGER NOT NULL,
              cloud_rx INTEGER NOT NULL, gateway TEXT NOT NULL, payload TEXT NOT NULL, skew_ms INTEGER);
            DROP INDEX IF EXISTS events_dev;
            """;
        command.ExecuteNonQuery();
        // A cloud.db from before these existed gets them (no data rewritten); a row without a digest counts as the
        // same payload as any later copy of its id (a resend), as it did then.
        foreach (var (column, type) in new[] { ("skew_ms", "INTEGER"), ("fault", "TEXT"), ("conflict_of", "TEXT"), ("digest", "INTEGER") })
        {
            command.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('events') WHERE name = '{column}'";
            if ((long)command.ExecuteScalar()! == 0)
            {
                command.CommandText = $"ALTER TABLE events ADD COLUMN {column} {type}";
                command.ExecuteNonQuery();
            }
        }

        // A cloud.db from before keeps its UNIQUE(id) (SQLite cannot drop it in place): still correct, only slower. The
        // per-device index went too (the query API and the ledger's device lookup scan; a stub holds ~10^5 rows).
        command.CommandText = "SELECT id, arrival, digest FROM events";
        using (var rows = command.ExecuteReader())
        {
            while (rows.Read())
            {
                _ids[rows.GetString(0)] = new StoredId(rows.GetInt64(1), rows.IsDBNull(2) ? null : unchecked((ulong)rows.GetInt64(2)));
            }
        }

        _checkpointer = new SqliteConnection(connectionString);
        _checkpointer.Open();
        _checkpointThread = new Thread(CheckpointLoop) { IsBackground = true, Name = "stub-checkpoint" };
        _checkpointThread.Start();
    }

    /// <summary>
    /// Copies committed WAL pages into the database on its own connection and thread (PASSIVE: never blocks a
    /// commit), at most every 250 ms while commits happen. With SQLite's automatic checkpoint the commit that
    /// crossed 1,000 WAL pages did it, and an alarm's request could be that commit or wait behind it.
    /// </summary>
    private void CheckpointLoop()
    {
        using var checkpoint = _checkpointer.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        while (!_stopping)
        {
            _committed.Wait(TimeSpan.FromSeconds(5));
            if (_stopping)
            {
                return;
            }

            _committed.Reset();
            try
            {
                checkpoint.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // Busy or I/O trouble: the WAL keeps the data; the next round tries again.
            }

            Thread.Sleep(250);
        }
    }

    /// <summary>
    /// A request of at most this many events (an alarm batch) that finds the store busy goes first: it takes the
    /// gate before any waiting upload (<see cref="PriorityGate"/>), and an upload holding it commits what it has
    /// after its current chunk, lets it in and continues after it, so the alarm waits for one chunk (~1-3 ms), not
    /// for a 1,000-event insert or other uploads queued before it. Uploads do not yield to each other (splitting
    /// every upload made a 100k drain ~60% slower: more commits, the same pages written again). A stub killed
    /// between two chunks has stored part of a batch it never answered; the resend finds those ids as duplicates
    /// (the id set is loaded from the file at open): stored once either way.
    /// </summary>
    public const int ChunkSize = 128;

    /// <summary>
    /// Stores the events; returns which were new (with the time their transaction began, <c>cloudRx</c>: the commit
    /// follows under the same gate, so this is when the platform had them) and which were already there.
    /// </summary>
    public async Task<(List<StoredEvent> Stored, List<string> Duplicates)> StoreAsync(string gateway, IReadOnlyList<IncomingEvent> events)
    {
        var stored = new List<StoredEvent>(events.Count);
        var duplicates = new List<string>();
        var small = events.Count <= ChunkSize;
        var next = 0;
        do
        {
            await _gate.EnterAsync(urgent: small).ConfigureAwait(false);
            try
            {
                var cloudRx = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var added = new List<string>();
                try
                {
                    using var transaction = _connection.BeginTransaction();
                    var insert = _insert ??= new RawInsert(_connection);
                    do
                    {
                        var end = Math.Min(events.Count, next + ChunkSize);
                        for (; next < end; next++)
                        {
                            var e = events[next];
                            var digest = EventIdentity.PayloadDigest(e.Payload);
                            if (!_ids.TryGetValue(e.Id, out var known))
                            {
                                if (Insert(insert, e, e.Id, e.Fault, e.ConflictOf, digest, gateway, cloudRx, added))
                                {
                                    stored.Add(new StoredEvent(e, cloudRx, e.Id));
                                }
                                else
                                {
                                    duplicates.Add(e.Id);
                                }
                            }
                            else if (known.Digest is { } storedDigest && storedDigest != digest)
                            {
                                // One id, one payload: the same id with another payload is a device fault, not a resend.
                                // Kept under the derived id (the gateway's rule), so a resend of it is a duplicate.
                                var conflictId = EventIdentity.MakeConflictId(e.Id, digest);
                                if (!_ids.ContainsKey(conflictId) && Insert(insert, e, conflictId, EventIdentity.IdConflict, e.Id, digest, gateway, cloudRx, added))
                                {
                                    stored.Add(new StoredEvent(e, cloudRx, conflictId));
                                }
                                else
                                {
                                    duplicates.Add(e.Id);
                                }
                            }
                            else
                            {
                                duplicates.Add(e.Id);
                            }
                        }
                    }
                    while (next < events.Count && _gate.UrgentWaiting == 0);

                    transaction.Commit();
                }
                catch
                {
                    // Not committed: those ids are not stored (the gateway's retry must find them new).
                    foreach (var id in added)
                    {
                        _ids.Remove(id);
                    }

                    throw;
                }

                _committed.Set();
            }
            finally
            {
                _gate.Exit();
            }
        }
        while (next < events.Count);

        return (stored, duplicates);
    }

    private bool Insert(RawInsert insert, IncomingEvent e, string id, string? fault, string? conflictOf, ulong digest, string gateway, long cloudRx, List<string> added)
    {
        if (!insert.Execute(e, id, fault, conflictOf, digest, gateway, cloudRx))
        {
            return false;
        }

        _ids.Add(id, new StoredId(insert.LastArrival, digest));
        added.Add(id);
        return true;
    }

    /// <summary>The row (<c>arrival</c>) of a stored id, or null. Only under the store's gate (<see cref="WriteBesideAsync{T}"/>).</summary>
    public long? ArrivalOf(string id) => _ids.TryGetValue(id, out var known) ? known.Arrival : null;

    /// <summary>A stored payload as a JSON object for the query answer (every stored payload passed the strict decoder).</summary>
    private static System.Text.Json.JsonElement? PayloadObject(string payload)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(payload);
            return document.RootElement.Clone();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> (another connection's write to <c>cloud.db</c>: an operator's acknowledgement) while
    /// this store's writer is held off, as an urgent request: an upload lets it in after its current chunk. Without
    /// the gate that write polled for SQLite's lock (busy_timeout, sleeps up to 100 ms) against an upload that took the
    /// lock back after each commit: the bench's acknowledgement POST p99 was 760 ms in a reconnect storm.
    /// </summary>
    public async Task<T> WriteBesideAsync<T>(Func<T> write)
    {
        await _gate.EnterAsync(urgent: true).ConfigureAwait(false);
        try
        {
            return write();
        }
        finally
        {
            _gate.Exit();
        }
    }

    public Task<List<StoredEventView>> QueryAsync(string? dev, string? type) => QueryAsync(dev, type, null, null, null);

    /// <summary>Stored events in arrival order; each filter is optional (<paramref name="fromTs"/>/<paramref name="toTs"/>: the
    /// device's ts, inclusive; <paramref name="card"/>: the kiosk's card UID in the event, as the platform holds it).</summary>
    public async Task<List<StoredEventView>> QueryAsync(string? dev, string? type, string? lane, long? fromTs, long? toTs, string? card = null)
    {
        await _gate.EnterAsync(urgent: false).ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT id, dev, type, lane, boot, seq, ts, rx, cloud_rx, gateway, skew_ms, fault, conflict_of, payload FROM events WHERE ($dev IS NULL OR dev = $dev) AND ($type IS NULL OR type = $type) AND ($lane IS NULL OR lane = $lane) AND ($from IS NULL OR ts >= $from) AND ($to IS NULL OR ts <= $to) AND ($card IS NULL OR json_extract(payload, '$.card') = $card) ORDER BY arrival";
            command.Parameters.AddWithValue("$card", (object?)card ?? DBNull.Value);
            command.Parameters.AddWithValue("$dev", (object?)dev ?? DBNull.Value);
            command.Parameters.AddWithValue("$lane", (object?)lane ?? DBNull.Value);
            command.Parameters.AddWithValue("$from", (object?)fromTs ?? DBNull.Value);
            command.Parameters.AddWithValue("$to", (object?)toTs ?? DBNull.Value);
            command.Parameters.AddWithValue("$type", (object?)type ?? DBNull.Value);
            using var rows = command.ExecuteReader();
            var result = new List<StoredEventView>();
            while (rows.Read())
            {
                result.Add(new StoredEventView(rows.GetString(0), rows.GetString(1), rows.GetString(2), rows.GetString(3),
                    rows.GetInt32(4), rows.GetInt32(5), rows.GetInt64(6), rows.GetInt64(7), rows.GetInt64(8), rows.GetString(9),
                    rows.IsDBNull(10) ? null : rows.GetInt64(10), rows.IsDBNull(11) ? null : rows.GetString(11), rows.IsDBNull(12) ? null : rows.GetString(12), PayloadObject(rows.GetString(13))));
            }

            return result;
        }
        finally
        {
            _gate.Exit();
        }
    }

    public async Task<(long Total, long Alarms, long Telemetry)> CountAsync()
    {
        await _gate.EnterAsync(urgent: false).ConfigureAwait(false);
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
            _gate.Exit();
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _committed.Set();
        _checkpointThread.Join();
        _checkpointer.Dispose();
        _committed.Dispose();
        _insert?.Dispose();
        _connection.Dispose();
    }
    /// <summary>
    /// The INSERT OR IGNORE, prepared once and bound by position through SQLitePCL: Microsoft.Data.Sqlite looks
    /// every parameter up by name, boxes every value and builds a reader per execution (most of the stub's
    /// ~60 us CPU per event in the drain). Runs inside the caller's transaction, under the lock.
    /// </summary>
    private sealed class RawInsert : IDisposable
    {
        private readonly SQLitePCL.sqlite3 _db;
        private readonly SQLitePCL.sqlite3_stmt _statement;

        public RawInsert(SqliteConnection connection)
        {
            _db = connection.Handle!;
            var rc = SQLitePCL.raw.sqlite3_prepare_v2(_db,
                "INSERT OR IGNORE INTO events(id, dev, type, lane, boot, seq, ts, rx, cloud_rx, gateway, payload, skew_ms, fault, conflict_of, digest) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                out _statement);
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        /// <summary>The <c>arrival</c> of the row the last <see cref="Execute"/> stored.</summary>
        public long LastArrival => SQLitePCL.raw.sqlite3_last_insert_rowid(_db);

        /// <summary>True when stored, false when the id was already there.</summary>
        public bool Execute(IncomingEvent e, string id, string? fault, string? conflictOf, ulong digest, string gateway, long cloudReceivedUnixMilliseconds)
        {
            var s = _statement;
            try
            {
                Check(SQLitePCL.raw.sqlite3_bind_text(s, 1, id));
                Check(SQLitePCL.raw.sqlite3_bind_text(s, 2, e.Dev));
                Check(SQLitePCL.raw.sqlite3_bind_text(s, 3, e.Type));
                Check(SQLitePCL.raw.sqlite3_bind_text(s, 4, e.Lane));
                Check(SQLitePCL.raw.sqlite3_bind_int(s, 5, e.Boot));
                Check(SQLitePCL.raw.sqlite3_bind_int(s, 6, e.Seq));
                Check(SQLitePCL.raw.sqlite3_bind_int64(s, 7, e.Ts));
                Check(SQLitePCL.raw.sqlite3_bind_int64(s, 8, e.Rx));
                Check(SQLitePCL.raw.sqlite3_bind_int64(s, 9, cloudReceivedUnixMilliseconds));
                Check(SQLitePCL.raw.sqlite3_bind_text(s, 10, gateway));
                Check(SQLitePCL.raw.sqlite3_bind_text(s, 11, e.Payload));
                Check(e.SkewMs is { } skew ? SQLitePCL.raw.sqlite3_bind_int64(s, 12, skew) : SQLitePCL.raw.sqlite3_bind_null(s, 12));
                Check(fault is not null ? SQLitePCL.raw.sqlite3_bind_text(s, 13, fault) : SQLitePCL.raw.sqlite3_bind_null(s, 13));
                Check(conflictOf is not null ? SQLitePCL.raw.sqlite3_bind_text(s, 14, conflictOf) : SQLitePCL.raw.sqlite3_bind_null(s, 14));
                Check(SQLitePCL.raw.sqlite3_bind_int64(s, 15, unchecked((long)digest)));
                var rc = SQLitePCL.raw.sqlite3_step(s);
                if (rc != SQLitePCL.raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(rc, _db);
                }

                return SQLitePCL.raw.sqlite3_changes(_db) == 1;
            }
            finally
            {
                SQLitePCL.raw.sqlite3_reset(s);
            }
        }

        public void Dispose()
        {
            _statement.Dispose();
        }

        private void Check(int rc)
        {
            if (rc != SQLitePCL.raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
        }
    }
}
