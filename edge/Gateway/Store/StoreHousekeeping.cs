using Eldercare.Edge.Gateway.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Store;

// Size (~380 lines): one job, keeping the store bounded (quota, retention, the dedup window), whose passes share the
// removal of a row (tombstone or id expiry, bytes, counts, backlog) and run inside the writer's transaction.
/// <summary>
/// Keeps the store bounded, on the writer connection inside the writer's own transactions (so a removal
/// commits with the batch that caused it, or not at all):
/// <list type="bullet">
/// <item><b>Quota</b> (<see cref="StoreOptions.MaxTelemetryBytes"/>): when the telemetry payload bytes exceed
/// it, forwarded telemetry is pruned oldest first, then unforwarded telemetry is <b>evicted</b> oldest first
/// (store order), each eviction counted with reason <c>quota</c> and logged. Alarm rows are never selected:
/// an alarm is never evicted or expired (DESIGN.md invariant 4).</item>
/// <item><b>Retention</b>: rows the upstream confirmed are pruned after <see cref="StoreOptions.ForwardedRetentionSeconds"/>
/// (when they were confirmed: <see cref="ForwardFloors.FloorsAsOf"/>, or the column of a row marked out of order).</item>
/// <item><b>Dedup window</b>: a pruned row's id stays in the dedup key (<see cref="IdIndex"/>, table <c>ids</c>), an
/// evicted row leaves its id in <c>tombstones</c> (id, lane, store order, reason, time, digest), and an append of a
/// known id is a duplicate, so a device's late resend of a pruned or evicted event is acknowledged and not forwarded a
/// second time. A removed row's id is queued in <c>id_expiry</c> (appended in removal order) and leaves the dedup key
/// <see cref="StoreOptions.DedupWindowSeconds"/> after the removal, tombstones as long after the eviction: a device
/// resends only what is in its outbox, i.e. until its PUBACK, which is seconds to hours, not days.</item>
/// </list>
/// </summary>
internal sealed class StoreHousekeeping
{
    public const string ReasonQuota = "quota";
    public const string ReasonForwarded = "forwarded";
    private const int Chunk = 256;

    /// <summary>Rows the retention prune removes in one pass at most.</summary>
    private const int PruneRows = 10_000;

    /// <summary>Rows the retention prune looks at in one pass at most (pending rows are passed over).</summary>
    private const int PruneScan = 50_000;

    private readonly SqliteConnection _writer;
    private readonly ForwardFloors _floors;
    private readonly StoreOptions _options;
    private readonly HashSet<int> _evictableCodes;
    // The evictable lanes' codes as an SQL list, e.g. "1": lane codes are integers from the lane table, never input.
    private readonly string _evictable;

    public StoreHousekeeping(SqliteConnection writer, ForwardFloors floors, StoreOptions options, LaneSet lanes)
    {
        _writer = writer;
        _floors = floors;
        _options = options;
        _evictableCodes = lanes.InPriorityOrder.Where(l => l.Evictable).Select(l => l.Code).ToHashSet();
        _evictable = _evictableCodes.Count == 0 ? "NULL" : string.Join(", ", _evictableCodes.Order());
        TelemetryBytes = ReadTelemetryBytes();
    }

    /// <summary>True for a lane whose payload bytes count against the quota (<see cref="Lane.Evictable"/>).</summary>
    public bool Counts(int laneCode) => _evictableCodes.Contains(laneCode);

    /// <summary>Payload bytes of the rows of evictable lanes (telemetry) in the table (kept in step by the writer loop).</summary>
    public long TelemetryBytes { get; set; }

    public static void CreateSchema(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS tombstones(
              id TEXT PRIMARY KEY,
              lane INTEGER NOT NULL,
              seq_no INTEGER NOT NULL,
              reason TEXT NOT NULL,
              at INTEGER NOT NULL) WITHOUT ROWID;
            DROP INDEX IF EXISTS events_forwarded_at;
            CREATE INDEX IF NOT EXISTS tombstones_at ON tombstones(at);
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Brings telemetry under the quota; call inside the writer's transaction after the batch's inserts and marks.
    /// <paramref name="lastBefore"/>: the last store sequence committed before this transaction (its own rows are pending).
    /// </summary>
    /// <param name="storedNow">The evictable rows this transaction stored (not in a backlog before its commit).</param>
    public HousekeepingResult EnforceQuota(SqliteTransaction transaction, long nowUnixMilliseconds, long lastBefore, IReadOnlyList<long> storedNow)
    {
        var result = new HousekeepingResult();
        if (_options.MaxTelemetryBytes <= 0 || TelemetryBytes <= _options.MaxTelemetryBytes)
        {
            return result;
        }

        // Delivered telemetry goes first (no loss), then the oldest undelivered telemetry (counted loss).
        Remove(transaction, OldestDone(transaction, lastBefore), ReasonForwarded, nowUnixMilliseconds, result);
        while (TelemetryBytes > _options.MaxTelemetryBytes)
        {
            var evict = OldestPending(transaction, storedNow);
            if (evict.Count == 0)
            {
                break;
            }

            Remove(transaction, evict, ReasonQuota, nowUnixMilliseconds, result);
        }

        return result;
    }

    /// <summary>Retention prune and dedup-window expiry (ids and tombstones); call inside a writer transaction.</summary>
    /// <param name="lastBefore">The last store sequence committed before this transaction.</param>
    public HousekeepingResult PruneExpired(SqliteTransaction transaction, long nowUnixMilliseconds, long lastBefore)
    {
        var result = new HousekeepingResult();
        var forwardedBefore = nowUnixMilliseconds - (_options.ForwardedRetentionSeconds * 1000L);
        // When a row was forwarded: its forwarded_at when marked in its column, else the first kept floors that cover
        // it (ForwardFloors' history, at most a minute late: a row is kept that much longer, never shorter).
        var floorsThen = _floors.FloorsAsOf(transaction, forwardedBefore);
        // Oldest first in store order, no index on forwarded_at (its leaf and its parent were ~6 of the ~23 pages
        // each commit wrote at a community's rate): rows are forwarded about in store order, so the pass stops at
        // the first row forwarded since the cutoff (one forwarded out of order waits for a later pass), passes over
        // pending rows, and looks at PruneScan rows at most.
        using (var select = _writer.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT seq_no, id, lane, length(CAST(payload AS BLOB)), shard, forwarded, forwarded_at FROM events WHERE seq_no <= $last ORDER BY seq_no";
            select.Parameters.AddWithValue("$last", lastBefore);
            var rows = new List<Row>();
            var scanned = 0;
            using (var reader = select.ExecuteReader())
            {
                while (rows.Count < PruneRows && scanned++ < PruneScan && reader.Read())
                {
                    var row = new Row(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt32(4));
                    bool before;
                    if (reader.GetInt32(5) != 0)
                    {
                        if (reader.IsDBNull(6))
                        {
                            continue;
                        }

                        before = reader.GetInt64(6) < forwardedBefore;
                    }
                    else if (IsPending(row))
                    {
                        continue;
                    }
                    else
                    {
                        before = floorsThen.TryGetValue((row.Lane, row.Shard), out var floor) && row.StoreSequence <= floor;
                    }

                    if (!before)
                    {
                        break;
                    }

                    rows.Add(row);
                }
            }

            Remove(transaction, rows, ReasonForwarded, nowUnixMilliseconds, result);
        }

        using var expire = _writer.CreateCommand();
        expire.Transaction = transaction;
        expire.CommandText = "DELETE FROM tombstones WHERE at < $before";
        expire.Parameters.AddWithValue("$before", nowUnixMilliseconds - (_options.DedupWindowSeconds * 1000L));
        result.TombstonesExpired = expire.ExecuteNonQuery();

        // Ids of rows removed before the window, in removal order (the first row removed since the cutoff is found
        // from the front: no index on at); id_batches keeps only the latest cover.
        expire.CommandText = """
            DELETE FROM ids WHERE id IN (SELECT id FROM id_expiry WHERE n < COALESCE((SELECT n FROM id_expiry WHERE at >= $before ORDER BY n LIMIT 1), 9223372036854775807));
            DELETE FROM id_expiry WHERE n < COALESCE((SELECT n FROM id_expiry WHERE at >= $before ORDER BY n LIMIT 1), 9223372036854775807);
            DELETE FROM id_batches WHERE through_seq < (SELECT MAX(through_seq) FROM id_batches);
            """;
        result.IdsExpired = expire.ExecuteNonQuery();
        return result;
    }

    /// <summary>An upstream confirmation for an id no longer in <c>events</c>: if it was evicted while its batch
    /// was in flight, it did reach the cloud after all; the tombstone says so (the counter is not decremented).</summary>
    public int RelabelDelivered(SqliteTransaction transaction, string id)
    {
        using var command = _writer.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE tombstones SET reason = 'forwarded' WHERE id = $id AND reason = 'quota'";
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteNonQuery();
    }

    /// <summary>Recomputes <see cref="TelemetryBytes"/> from the table (after a failed commit).</summary>
    public void Reload() => TelemetryBytes = ReadTelemetryBytes();

    private long ReadTelemetryBytes()
    {
        using var command = _writer.CreateCommand();
        command.CommandText = $"SELECT COALESCE(SUM(length(CAST(payload AS BLOB))), 0) FROM events WHERE lane IN ({_evictable})";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>A row its queue still holds as pending (a row of a lane nobody forwards counts as pending: kept).</summary>
    private bool IsPending(Row row) => _floors.Of(row.Lane, row.Shard)?.Contains(row.StoreSequence) ?? true;

    /// <summary>
    /// The oldest forwarded telemetry, as much as brings the bytes under the quota: a walk in store order (NOT
    /// INDEXED: no index follows the lane) up to the highest floor of the evictable lanes (no row above it is done but
    /// one marked out of order, left to the retention prune), passing over pending rows.
    /// </summary>
    private List<Row> OldestDone(SqliteTransaction transaction, long lastBefore)
    {
        var bound = 0L;
        foreach (var lane in _evictableCodes)
        {
            for (var shard = 0; _floors.Of(lane, shard) is { } backlog; shard++)
            {
                bound = Math.Max(bound, backlog.Floor(lastBefore));
            }
        }

        using var select = _writer.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = $"SELECT seq_no, id, lane, length(CAST(payload AS BLOB)), shard FROM events NOT INDEXED WHERE lane IN ({_evictable}) AND seq_no <= $bound ORDER BY seq_no";
        select.Parameters.AddWithValue("$bound", bound);
        var take = new List<Row>();
        var bytes = TelemetryBytes;
        using var reader = select.ExecuteReader();
        while (bytes > _options.MaxTelemetryBytes && reader.Read())
        {
            var row = new Row(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt32(4));
            if (!IsPending(row))
            {
                take.Add(row);
                bytes -= row.Bytes;
            }
        }

        return take;
    }

    /// <summary>The oldest pending telemetry (from the evictable queues' backlogs, in store order), up to
    /// <see cref="Chunk"/> rows and only as many as bring the bytes under the quota.</summary>
    private List<Row> OldestPending(SqliteTransaction transaction, IReadOnlyList<long> storedNow)
    {
        var candidates = new List<long>(storedNow);
        foreach (var lane in _evictableCodes)
        {
            for (var shard = 0; _floors.Of(lane, shard) is { } backlog; shard++)
            {
                backlog.Read(0, Chunk, candidates);
            }
        }

        candidates.Sort();
        using var select = _writer.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = "SELECT seq_no, id, lane, length(CAST(payload AS BLOB)), shard FROM events WHERE seq_no = $seq";
        var sequence = select.Parameters.Add("$seq", SqliteType.Integer);
        var take = new List<Row>();
        var bytes = TelemetryBytes;
        foreach (var candidate in candidates)
        {
            if (bytes <= _options.MaxTelemetryBytes || take.Count == Chunk)
            {
                break;
            }

            sequence.Value = candidate;
            using var reader = select.ExecuteReader();
            if (reader.Read())
            {
                var row = new Row(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt32(4));
                take.Add(row);
                bytes -= row.Bytes;
            }
        }

        return take;
    }

    private void Remove(SqliteTransaction transaction, List<Row> rows, string reason, long now, HousekeepingResult result)
    {
        if (rows.Count == 0)
        {
            return;
        }

        // A forwarded row's id stays in the dedup key (ids): no tombstone of its own (a random index leaf per row);
        // every removed row's id is queued for its expiry from ids (appended: cheap).
        var tombstoned = reason != ReasonForwarded;
        using var expiry = _writer.CreateCommand();
        expiry.Transaction = transaction;
        expiry.CommandText = "INSERT INTO id_expiry(at, id) VALUES($at, $id)";
        expiry.Parameters.AddWithValue("$at", now);
        var eId = expiry.Parameters.Add("$id", SqliteType.Text);
        using var tombstone = _writer.CreateCommand();
        tombstone.Transaction = transaction;
        // The payload digest goes along: a reused id with another payload is told from a late resend for the whole window.
        tombstone.CommandText = "INSERT OR REPLACE INTO tombstones(id, lane, seq_no, reason, at, digest) VALUES($id, $lane, $seq, $reason, $at, (SELECT digest FROM events WHERE seq_no = $seq))";
        var tId = tombstone.Parameters.Add("$id", SqliteType.Text);
        var tLane = tombstone.Parameters.Add("$lane", SqliteType.Integer);
        var tSeq = tombstone.Parameters.Add("$seq", SqliteType.Integer);
        tombstone.Parameters.AddWithValue("$reason", reason);
        tombstone.Parameters.AddWithValue("$at", now);
        using var delete = _writer.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = "DELETE FROM events WHERE seq_no = $seq";
        var dSeq = delete.Parameters.Add("$seq", SqliteType.Integer);
        foreach (var row in rows)
        {
            tId.Value = row.Id;
            tLane.Value = row.Lane;
            tSeq.Value = row.StoreSequence;
            if (tombstoned)
            {
                tombstone.ExecuteNonQuery();
            }

            eId.Value = row.Id;
            expiry.ExecuteNonQuery();

            dSeq.Value = row.StoreSequence;
            delete.ExecuteNonQuery();
            if (reason == ReasonQuota)
            {
                // No longer pending: its queue's floor may pass it (written with this transaction); a row of this
                // transaction never joins its backlog.
                _floors.Of(row.Lane, row.Shard)?.Remove(row.StoreSequence);
                result.EvictedSequences.Add(row.StoreSequence);
            }

            if (Counts(row.Lane))
            {
                TelemetryBytes -= row.Bytes;
            }

            if (reason == ReasonQuota)
            {
                result.Evicted++;
                result.FirstEvictedId ??= row.Id;
                result.LastEvictedId = row.Id;
            }
            else
            {
                result.Pruned++;
            }
        }
    }

    private readonly record struct Row(long StoreSequence, string Id, int Lane, long Bytes, int Shard);
}

/// <summary>What one housekeeping pass removed (reported after the commit).</summary>
internal sealed class HousekeepingResult
{
    /// <summary>Unforwarded telemetry evicted for the quota (a counted loss).</summary>
    public int Evicted { get; set; }

    /// <summary>Forwarded rows pruned (not a loss).</summary>
    public int Pruned { get; set; }

    public int TombstonesExpired { get; set; }

    /// <summary>Ids past the dedup window whose rows are gone (rows deleted from <c>ids</c> and <c>id_batches</c>).</summary>
    public int IdsExpired { get; set; }

    public string? FirstEvictedId { get; set; }

    private HashSet<long>? _evictedSequences;

    /// <summary>The store sequences evicted (the writer leaves this transaction's own out of the backlogs); made at the
    /// first eviction, not for every commit.</summary>
    public HashSet<long> EvictedSequences => _evictedSequences ??= [];

    public string? LastEvictedId { get; set; }

    public void Add(HousekeepingResult other)
    {
        Evicted += other.Evicted;
        Pruned += other.Pruned;
        TombstonesExpired += other.TombstonesExpired;
        IdsExpired += other.IdsExpired;
        if (other._evictedSequences is { } evicted)
        {
            EvictedSequences.UnionWith(evicted);
        }

        FirstEvictedId ??= other.FirstEvictedId;
        LastEvictedId = other.LastEvictedId ?? LastEvictedId;
    }
}
