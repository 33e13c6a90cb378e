using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// The append statement, prepared once on the writer connection and bound by position through SQLitePCL
/// (Microsoft.Data.Sqlite looks every parameter up by name and builds a reader per execution: ~40% of the
/// writer's time in the profile). It runs inside the writer's transaction like any other statement.
/// </summary>
internal sealed class RawInsert : IDisposable
{
    private readonly SQLitePCL.sqlite3 _db;
    private readonly SQLitePCL.sqlite3_stmt _statement;

    public RawInsert(SqliteConnection connection)
    {
        _db = connection.Handle!;
        // The dedup is the writer's look into IdIndex before this runs (no unique index on events.id). OR IGNORE for
        // a store of an older gateway, whose events.id is still UNIQUE: a duplicate there is told, never an error.
        var rc = SQLitePCL.raw.sqlite3_prepare_v2(_db,
            "INSERT OR IGNORE INTO events(id, lane, dev, boot, seq, type, ts, rx, payload, skew_ms, digest, fault, conflict_of, shard, seq_no) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            out _statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
    }

    /// <summary>
    /// Stores the row under <paramref name="storeSequence"/> (given by the writer, never reused: a rowid SQLite chose
    /// would be given again after the newest rows were pruned, under a queue's floor); false when an older store's
    /// unique index already held the id.
    /// </summary>
    public bool Execute(EventRecord r, int laneCode, int shard, long storeSequence)
    {
        var s = _statement;
        try
        {
            Check(SQLitePCL.raw.sqlite3_bind_text(s, 1, r.Id));
            Check(SQLitePCL.raw.sqlite3_bind_int(s, 2, laneCode));
            Check(SQLitePCL.raw.sqlite3_bind_text(s, 3, r.DeviceId));
            Check(SQLitePCL.raw.sqlite3_bind_int(s, 4, r.BootEpoch));
            Check(SQLitePCL.raw.sqlite3_bind_int(s, 5, r.Sequence));
            Check(SQLitePCL.raw.sqlite3_bind_text(s, 6, r.Type));
            Check(SQLitePCL.raw.sqlite3_bind_int64(s, 7, r.DeviceTimestampUnixMilliseconds));
            Check(SQLitePCL.raw.sqlite3_bind_int64(s, 8, r.ReceivedUnixMilliseconds));
            Check(SQLitePCL.raw.sqlite3_bind_text(s, 9, r.Payload));
            Check(r.ClockSkewMilliseconds is { } skew ? SQLitePCL.raw.sqlite3_bind_int64(s, 10, skew) : SQLitePCL.raw.sqlite3_bind_null(s, 10));
            Check(SQLitePCL.raw.sqlite3_bind_int64(s, 11, unchecked((long)r.PayloadDigest)));
            Check(r.Fault is { } fault ? SQLitePCL.raw.sqlite3_bind_text(s, 12, fault) : SQLitePCL.raw.sqlite3_bind_null(s, 12));
            Check(r.ConflictOf is { } of ? SQLitePCL.raw.sqlite3_bind_text(s, 13, of) : SQLitePCL.raw.sqlite3_bind_null(s, 13));
            Check(SQLitePCL.raw.sqlite3_bind_int(s, 14, shard));
            Check(SQLitePCL.raw.sqlite3_bind_int64(s, 15, storeSequence));
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
