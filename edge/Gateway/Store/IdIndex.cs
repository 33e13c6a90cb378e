using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// The dedup key of the SQLite store: every event id the store holds or held within the dedup window, with its row's
/// store sequence and payload digest. Recent ids live in memory; older ones in the <c>ids</c> table (keyed by id),
/// written in sorted batches of up to <see cref="BatchIds"/> in chunks of <see cref="ChunkIds"/>, each batch recording
/// in <c>id_batches</c> the store sequence it covers. Why: a unique index on <c>events.id</c> made every event of a
/// commit write an index leaf of its own (a commit's events come from different devices), ~1 KB per event at a
/// community's rate; a sorted batch writes each leaf once for many ids of the same device.
/// Exact after a crash: at open every row after the last covered sequence is read back into memory (a chunk of an
/// unfinished batch that survived is written again, INSERT OR IGNORE). Ids of pruned rows stay here (no tombstone per
/// pruned row) until the dedup window after their removal (<see cref="StoreHousekeeping"/>, <c>id_expiry</c>). Used by
/// the writer thread only, inside its transactions.
/// </summary>
internal sealed class IdIndex : IDisposable
{
    /// <summary>
    /// Ids per sorted batch: the larger, the more ids of one device share a leaf of <c>ids</c>. At full speed with
    /// 1,000 devices a batch of 8,192 (~8 ids per device's leaf) wrote ~575 of the 1,253 bytes per event; 32,768 writes
    /// 838 in all (bench/README.md "Disk per event"). A community's rate fills no batch: one is written every
    /// maintenance interval whatever this is. Memory: ~130 bytes per id waiting, at most two batches' worth.
    /// </summary>
    public const int BatchIds = 32_768;

    /// <summary>Ids per chunk of a batch, each in a transaction of its own: what an alarm can wait behind.</summary>
    public const int ChunkIds = 1_024;

    private readonly SQLitePCL.sqlite3 _db;
    private readonly Dictionary<string, Entry> _recent = new(StringComparer.Ordinal);
    // Ids not yet in a batch, in store order; [0, _committed) are committed, [_committed, Count) in the open transaction.
    private readonly List<Entry> _order = [];
    private readonly SQLitePCL.sqlite3_stmt _lookup;
    private readonly SQLitePCL.sqlite3_stmt _sequenceOf;
    private readonly SQLitePCL.sqlite3_stmt _insert;
    private readonly SQLitePCL.sqlite3_stmt _cover;
    private int _committed;
    private Entry[]? _batch;
    private int _batchWritten;
    private long _batchAt;
    private long _coverThrough;
    // Where the chunk of the open transaction started (-1: none open): a rollback writes it again.
    private int _openChunkStart = -1;

    public IdIndex(SqliteConnection connection)
    {
        _db = connection.Handle!;
        _lookup = Prepare("SELECT digest FROM ids WHERE id = ?1 UNION ALL SELECT digest FROM tombstones WHERE id = ?1 LIMIT 1");
        _sequenceOf = Prepare("SELECT seq_no FROM ids WHERE id = ?1");
        _insert = Prepare("INSERT OR IGNORE INTO ids(id, seq_no, digest) VALUES(?1, ?2, ?3)");
        _cover = Prepare("INSERT OR REPLACE INTO id_batches(through_seq, at) VALUES(?1, ?2)");
        using var load = connection.CreateCommand();
        load.CommandText = "SELECT id, seq_no, digest FROM events WHERE seq_no > (SELECT COALESCE(MAX(through_seq), 0) FROM id_batches) ORDER BY seq_no";
        using var rows = load.ExecuteReader();
        while (rows.Read())
        {
            Add(rows.GetString(0), rows.GetInt64(1), rows.IsDBNull(2) ? null : rows.GetInt64(2));
        }

        Committed();
    }

    /// <summary>Ids not yet written to <c>ids</c> (in memory).</summary>
    public int Backlog => _recent.Count;

    /// <summary>A batch is being written, chunk by chunk.</summary>
    public bool Flushing => _batch is not null;

    /// <summary>True when the id is known (stored, pruned within the window, or tombstoned); <paramref name="digest"/>
    /// is its payload digest, null for a row of an older gateway.</summary>
    public bool Find(string id, out long? digest)
    {
        if (_recent.TryGetValue(id, out var entry))
        {
            digest = entry.Digest;
            return true;
        }

        var s = _lookup;
        try
        {
            Check(SQLitePCL.raw.sqlite3_bind_text(s, 1, id));
            var rc = SQLitePCL.raw.sqlite3_step(s);
            if (rc == SQLitePCL.raw.SQLITE_DONE)
            {
                digest = null;
                return false;
            }

            Check(rc == SQLitePCL.raw.SQLITE_ROW ? SQLitePCL.raw.SQLITE_OK : rc);
            digest = SQLitePCL.raw.sqlite3_column_type(s, 0) == SQLitePCL.raw.SQLITE_NULL ? null : SQLitePCL.raw.sqlite3_column_int64(s, 0);
            return true;
        }
        finally
        {
            SQLitePCL.raw.sqlite3_reset(s);
        }
    }

    /// <summary>The store sequence of the row an id was stored as, or null when unknown (or only tombstoned).</summary>
    public long? SequenceOf(string id)
    {
        if (_recent.TryGetValue(id, out var entry))
        {
            return entry.Sequence;
        }

        var s = _sequenceOf;
        try
        {
            Check(SQLitePCL.raw.sqlite3_bind_text(s, 1, id));
            var rc = SQLitePCL.raw.sqlite3_step(s);
            if (rc == SQLitePCL.raw.SQLITE_DONE)
            {
                return null;
            }

            Check(rc == SQLitePCL.raw.SQLITE_ROW ? SQLitePCL.raw.SQLITE_OK : rc);
            return SQLitePCL.raw.sqlite3_column_int64(s, 0);
        }
        finally
        {
            SQLitePCL.raw.sqlite3_reset(s);
        }
    }

    /// <summary>An id stored in the open transaction (known at once to later appends of the same transaction).</summary>
    public void Add(string id, long sequence, long? digest)
    {
        var entry = new Entry(id, sequence, digest);
        _recent[id] = entry;
        _order.Add(entry);
    }

    /// <summary>The open transaction committed: its ids are kept; a batch whose last chunk it wrote is done.</summary>
    public void Committed()
    {
        _committed = _order.Count;
        _openChunkStart = -1;
        if (_batch is not null && _batchWritten == _batch.Length)
        {
            foreach (var entry in _batch)
            {
                _recent.Remove(entry.Id);
            }

            _batch = null;
        }
    }

    /// <summary>The open transaction rolled back: its ids are forgotten, a chunk it wrote is written again.</summary>
    public void RolledBack()
    {
        for (var i = _committed; i < _order.Count; i++)
        {
            _recent.Remove(_order[i].Id);
        }

        _order.RemoveRange(_committed, _order.Count - _committed);
        if (_openChunkStart >= 0)
        {
            _batchWritten = _openChunkStart;
            _openChunkStart = -1;
        }
    }

    /// <summary>
    /// Starts a batch of the committed ids (at most <see cref="BatchIds"/>, oldest first) when none is being written,
    /// there are any, and <paramref name="force"/> or a full batch is waiting. <paramref name="nowUnixMilliseconds"/> is
    /// recorded with the batch's cover (when it was written).
    /// </summary>
    public bool TryStartBatch(bool force, long nowUnixMilliseconds)
    {
        var waiting = _committed;
        if (_batch is not null || waiting == 0 || (!force && waiting < BatchIds))
        {
            return false;
        }

        var take = Math.Min(waiting, BatchIds);
        _batch = new Entry[take];
        _order.CopyTo(0, _batch, 0, take);
        // The taken ones leave the list at once (what stays is the few stored since): their strings live on in the batch only.
        _order.RemoveRange(0, take);
        _committed -= take;

        // The covered sequence: every id stored up to it is in this batch or an earlier one.
        var through = _batch[^1].Sequence;
        Array.Sort(_batch, static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        _batchWritten = 0;
        _batchAt = nowUnixMilliseconds;
        _coverThrough = through;
        return true;
    }

    /// <summary>Writes the next chunk of the current batch inside the caller's transaction (the last one records the
    /// covered sequence); the ids leave memory when the transaction of the last chunk commits.</summary>
    public void WriteChunk()
    {
        if (_batch is null)
        {
            return;
        }

        _openChunkStart = _batchWritten;
        var end = Math.Min(_batch.Length, _batchWritten + ChunkIds);
        var s = _insert;
        for (var i = _batchWritten; i < end; i++)
        {
            var entry = _batch[i];
            try
            {
                Check(SQLitePCL.raw.sqlite3_bind_text(s, 1, entry.Id));
                Check(SQLitePCL.raw.sqlite3_bind_int64(s, 2, entry.Sequence));
                Check(entry.Digest is { } d ? SQLitePCL.raw.sqlite3_bind_int64(s, 3, d) : SQLitePCL.raw.sqlite3_bind_null(s, 3));
                Step(s);
            }
            finally
            {
                SQLitePCL.raw.sqlite3_reset(s);
            }
        }

        _batchWritten = end;
        if (end == _batch.Length)
        {
            try
            {
                Check(SQLitePCL.raw.sqlite3_bind_int64(_cover, 1, _coverThrough));
                Check(SQLitePCL.raw.sqlite3_bind_int64(_cover, 2, _batchAt));
                Step(_cover);
            }
            finally
            {
                SQLitePCL.raw.sqlite3_reset(_cover);
            }
        }
    }

    public void Dispose()
    {
        _lookup.Dispose();
        _sequenceOf.Dispose();
        _insert.Dispose();
        _cover.Dispose();
    }

    private SQLitePCL.sqlite3_stmt Prepare(string sql)
    {
        var rc = SQLitePCL.raw.sqlite3_prepare_v2(_db, sql, out var statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
        return statement;
    }

    private void Step(SQLitePCL.sqlite3_stmt statement)
    {
        var rc = SQLitePCL.raw.sqlite3_step(statement);
        if (rc != SQLitePCL.raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    private void Check(int rc)
    {
        if (rc != SQLitePCL.raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    // A struct: ~16k of them in memory during a storm (a batch being written and the next one filling).
    private readonly record struct Entry(string Id, long Sequence, long? Digest);
}
