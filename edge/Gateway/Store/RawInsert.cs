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
        // An id in tombstones (pruned after forwarding, or evicted) is still a duplicate: no second delivery.
        var rc = SQLitePCL.raw.sqlite3_prepare_v2(_db,
            "INSERT OR IGNORE INTO events(id, lane, dev, boot, seq, type, ts, rx, payload, skew_ms, digest, fault, conflict_of, shard) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14 WHERE NOT EXISTS (SELECT 1 FROM tombstones WHERE id = ?1)",
            out _statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
        // Only run when the insert was ignored (rare: a resend, or a reused id).
        rc = SQLitePCL.raw.sqlite3_prepare_v2(_db,
            "SELECT digest FROM events WHERE id = ?1 UNION ALL SELECT digest FROM tombstones WHERE id = ?1 LIMIT 1",
            out _digestOf);
        SqliteException.ThrowExceptionForRC(rc, _db);
    }

    private readonly SQLitePCL.sqlite3_stmt _digestOf;

    /// <summary>
    /// For an id that is already stored (or tombstoned): true when the stored copy's payload digest is another
    /// than this record's. A row without a digest (written by an older gateway) counts as the same payload.
    /// </summary>
    public bool StoredDigestDiffers(EventRecord r)
    {
        var s = _digestOf;
        try
        {
            Check(SQLitePCL.raw.sqlite3_bind_text(s, 1, r.Id));
            var rc = SQLitePCL.raw.sqlite3_step(s);
            if (rc == SQLitePCL.raw.SQLITE_DONE)
            {
                return false;
            }

            if (rc != SQLitePCL.raw.SQLITE_ROW)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }

            return SQLitePCL.raw.sqlite3_column_type(s, 0) != SQLitePCL.raw.SQLITE_NULL
                && unchecked((ulong)SQLitePCL.raw.sqlite3_column_int64(s, 0)) != r.PayloadDigest;
        }
        finally
        {
            SQLitePCL.raw.sqlite3_reset(s);
        }
    }

    /// <summary>True when stored, false when the id was already stored or tombstoned.</summary>
    public bool Execute(EventRecord r, int laneCode, int shard)
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
        _digestOf.Dispose();
    }

    private void Check(int rc)
    {
        if (rc != SQLitePCL.raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
