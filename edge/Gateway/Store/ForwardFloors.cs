using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Store;

// Size (~330 lines): one job, what "forwarded" means (floors, backlogs read back at open, the floors' history for the
// retention prune), which every part of it (open, write, as-of) reads and moves together; the backlog (QueueBacklog),
// the marks (MarkWriter) and the reshard at open (LaneReshard) are out.
/// <summary>
/// What "forwarded" means in the SQLite store, in one place. A row is done (forwarded, or rejected upstream) when its
/// <c>forwarded</c> column says so (written only for a row marked out of store order, a rejection, or by an older
/// gateway) or when its store sequence is at or below its queue's <b>floor</b> (table <c>forward_floors</c>, one row per
/// lane and shard): every row of the queue up to the floor is done. Marks in store order, nearly all of them, move a
/// floor and rewrite no row (a rewrite of each row's leaf was ~40% of the bytes written per event at full speed).
/// The pending rows of each queue are kept in memory (<see cref="QueueBacklog"/>), read back at open from the rows after
/// the lowest floor; the forward queues read them through it by rowid, so no per-row index follows what is pending.
/// <para>Floors are written in every commit that marks or evicts (one page), with <c>lane = -1</c> holding the store's
/// last sequence (so a store sequence is never given twice, even after every row was pruned); a floor that lags
/// after a crash only makes rows it covered be sent again, and the platform answers them as duplicates (DESIGN.md
/// invariant 3), as a mark not yet synced always did. <c>lane = -2</c> holds when the floors were written, and
/// <c>forward_floor_history</c> keeps earlier floors about once a minute with their time, so the retention prune knows
/// which rows were forwarded before its cutoff.</para>
/// Used by the writer thread (and, for the backlogs, by readers under each backlog's lock).
/// </summary>
internal sealed class ForwardFloors
{
    /// <summary>How often at most the floors are kept in <c>forward_floor_history</c> (the retention's resolution).</summary>
    public static readonly long HistoryEveryMilliseconds = 60_000;

    /// <summary>
    /// The SQL term of a pending row of <c>events</c>, for readers outside the writer (the desk's held alarms): not
    /// marked in its column and above its queue's floor.
    /// </summary>
    public const string PendingTerm =
        "forwarded = 0 AND seq_no > COALESCE((SELECT f.floor FROM forward_floors f WHERE f.lane = events.lane AND f.shard = events.shard), 0)";

    private const int HighWaterLane = -1;

    /// <summary>The pseudo-lane whose "floor" is the time the floors were last written (their live entry).</summary>
    private const int WrittenAtLane = -2;

    private readonly QueueSignals _queues;
    private readonly SqliteConnection _writer;
    private readonly (int Lane, int Shard)[] _keys;
    private readonly QueueBacklog[] _backlogs;
    private readonly long[] _written;
    private long _writtenHighWater = -1;
    // When the floors now in the table were written (null: a store without one yet), and the time of the newest
    // entry of forward_floor_history.
    private long? _writtenAt;
    private long _lastKeptAt = long.MinValue;

    private ForwardFloors(SqliteConnection writer, LaneSet lanes, QueueSignals queues)
    {
        _writer = writer;
        _queues = queues;
        _keys = new (int, int)[queues.Count];
        foreach (var lane in lanes.InPriorityOrder)
        {
            for (var shard = 0; shard < lane.Shards; shard++)
            {
                _keys[queues.IndexOf(lane, shard)] = (lane.Code, shard);
            }
        }

        _backlogs = new QueueBacklog[queues.Count];
        _written = new long[queues.Count];
    }

    /// <summary>The store's last store sequence when it opened (or after the last rebuild).</summary>
    public long LastSequence { get; private set; }

    public int Count => _backlogs.Length;

    /// <summary>Pending rows of every queue.</summary>
    public long TotalPending => _backlogs.Sum(b => (long)b.Pending);

    /// <summary>The backlog of queue <paramref name="index"/> (<see cref="QueueSignals.IndexOf"/>).</summary>
    public QueueBacklog this[int index] => Volatile.Read(ref _backlogs[index]);

    public static void CreateSchema(SqliteConnection connection) => SqliteSchema.Execute(connection, """
        CREATE TABLE IF NOT EXISTS forward_floors(
          lane INTEGER NOT NULL,
          shard INTEGER NOT NULL,
          floor INTEGER NOT NULL,
          PRIMARY KEY(lane, shard)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS forward_floor_history(
          at INTEGER PRIMARY KEY,
          floors TEXT NOT NULL);
        """);

    /// <summary>
    /// Reads the floors, reshards a lane whose stream count changed, reads each queue's pending rows back and writes the
    /// floors (the per-row queue index of an older gateway, <c>events_queue</c>, is dropped once its rows are read).
    /// </summary>
    public static ForwardFloors Open(SqliteConnection writer, LaneSet lanes, QueueSignals queues, long nowUnixMilliseconds)
    {
        var floors = new ForwardFloors(writer, lanes, queues);
        foreach (var lane in lanes.InPriorityOrder)
        {
            LaneReshard.IfChanged(writer, lane, nowUnixMilliseconds);
        }

        floors.Rebuild();
        using (var transaction = writer.BeginTransaction())
        {
            floors.Write(transaction, floors.LastSequence, floors.LastSequence, nowUnixMilliseconds);
            if (floors._writtenAt is null)
            {
                floors.WriteTime(transaction, nowUnixMilliseconds);
            }

            using var drop = writer.CreateCommand();
            drop.Transaction = transaction;
            drop.CommandText = "DROP INDEX IF EXISTS events_queue";
            drop.ExecuteNonQuery();
            transaction.Commit();
        }

        return floors;
    }

    /// <summary>The backlog of a row's queue, or null for a lane this gateway does not forward.</summary>
    public QueueBacklog? Of(int laneCode, int shard) => IndexOf(laneCode, shard) is var index and >= 0 ? this[index] : null;

    /// <summary>
    /// Reads every queue's pending rows from the table (at open, and after a failed commit, whose marks and evictions
    /// had already left the backlogs): the rows after the lowest floor not marked in their column.
    /// </summary>
    public void Rebuild()
    {
        var floors = ReadFloors(_writer, null);
        var fresh = new QueueBacklog[_backlogs.Length];
        var lowest = long.MaxValue;
        for (var i = 0; i < fresh.Length; i++)
        {
            fresh[i] = new QueueBacklog();
            _written[i] = floors.GetValueOrDefault(_keys[i], 0);
            lowest = Math.Min(lowest, _written[i]);
        }

        _writtenHighWater = floors.GetValueOrDefault((HighWaterLane, 0), 0);
        _writtenAt = floors.TryGetValue((WrittenAtLane, 0), out var at) ? at : null;
        using (var kept = _writer.CreateCommand())
        {
            kept.CommandText = "SELECT MAX(at) FROM forward_floor_history";
            _lastKeptAt = kept.ExecuteScalar() is long newest ? newest : long.MinValue;
        }

        using (var select = _writer.CreateCommand())
        {
            // A rowid range from the lowest floor: the backlog after an outage, or a few rows.
            select.CommandText = "SELECT seq_no, lane, shard FROM events WHERE seq_no > $lowest AND forwarded = 0 ORDER BY seq_no";
            select.Parameters.AddWithValue("$lowest", lowest == long.MaxValue ? 0 : lowest);
            using var rows = select.ExecuteReader();
            while (rows.Read())
            {
                var sequence = rows.GetInt64(0);
                var index = IndexOf(rows.GetInt32(1), rows.GetInt32(2));
                if (index >= 0 && sequence > _written[index])
                {
                    fresh[index].Add(sequence);
                }
            }
        }

        using (var last = _writer.CreateCommand())
        {
            last.CommandText = "SELECT COALESCE(MAX(seq_no), 0) FROM events";
            LastSequence = Math.Max((long)last.ExecuteScalar()!, _writtenHighWater);
        }

        for (var i = 0; i < fresh.Length; i++)
        {
            Volatile.Write(ref _backlogs[i], fresh[i]);
        }
    }

    /// <summary>
    /// Writes the floors that moved, inside the writer's transaction: a queue's floor is its oldest pending row minus
    /// one, or <paramref name="lastBefore"/> (the last sequence committed before this transaction; rows stored in it
    /// join the backlogs after the commit) when nothing of it is pending; and the store's last sequence
    /// (<paramref name="lastNow"/>). When floors move, the time they are written goes with them (the same page), and
    /// the floors they replace are kept in <c>forward_floor_history</c> under the time they were written, when that
    /// is a <see cref="HistoryEveryMilliseconds"/> ago or the newest kept entry is: a row is taken as forwarded at the
    /// first kept time whose floors cover it, at most that interval late, never early.
    /// </summary>
    public void Write(SqliteTransaction transaction, long lastBefore, long lastNow, long nowUnixMilliseconds)
    {
        using var upsert = _writer.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = "INSERT OR REPLACE INTO forward_floors(lane, shard, floor) VALUES($lane, $shard, $floor)";
        var lane = upsert.Parameters.Add("$lane", SqliteType.Integer);
        var shard = upsert.Parameters.Add("$shard", SqliteType.Integer);
        var floor = upsert.Parameters.Add("$floor", SqliteType.Integer);
        var kept = false;
        for (var i = 0; i < _backlogs.Length; i++)
        {
            var now = this[i].Floor(lastBefore);
            if (now == _written[i])
            {
                continue;
            }

            if (!kept && _writtenAt is { } at && (nowUnixMilliseconds - at >= HistoryEveryMilliseconds || _lastKeptAt == long.MinValue || nowUnixMilliseconds - _lastKeptAt >= HistoryEveryMilliseconds))
            {
                using var history = _writer.CreateCommand();
                history.Transaction = transaction;
                history.CommandText = "INSERT OR REPLACE INTO forward_floor_history(at, floors) VALUES($at, $floors)";
                history.Parameters.AddWithValue("$at", at);
                history.Parameters.AddWithValue("$floors", Format(_keys, _written));
                history.ExecuteNonQuery();
                _lastKeptAt = at;
            }

            kept = true;
            (lane.Value, shard.Value, floor.Value) = (_keys[i].Lane, _keys[i].Shard, now);
            upsert.ExecuteNonQuery();
            _written[i] = now;
        }

        if (kept)
        {
            WriteTime(transaction, nowUnixMilliseconds);
        }

        if (lastNow != _writtenHighWater)
        {
            (lane.Value, shard.Value, floor.Value) = (HighWaterLane, 0, lastNow);
            upsert.ExecuteNonQuery();
            _writtenHighWater = lastNow;
        }
    }

    /// <summary>
    /// The floors as they were at <paramref name="cutoffUnixMilliseconds"/>: the floors in the table when they were
    /// written by then, else the newest kept entry at or before it (empty when none is that old). Drops the kept
    /// entries older than that one.
    /// </summary>
    public Dictionary<(int Lane, int Shard), long> FloorsAsOf(SqliteTransaction transaction, long cutoffUnixMilliseconds)
    {
        using var command = _writer.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM forward_floor_history WHERE at < (SELECT MAX(at) FROM forward_floor_history WHERE at <= $cutoff)";
        command.Parameters.AddWithValue("$cutoff", cutoffUnixMilliseconds);
        command.ExecuteNonQuery();
        if (_writtenAt <= cutoffUnixMilliseconds)
        {
            return Enumerable.Range(0, _keys.Length).ToDictionary(i => _keys[i], i => _written[i]);
        }

        command.CommandText = "SELECT floors FROM forward_floor_history WHERE at <= $cutoff ORDER BY at DESC LIMIT 1";
        return command.ExecuteScalar() is string text ? Parse(text) : [];
    }

    private void WriteTime(SqliteTransaction transaction, long nowUnixMilliseconds)
    {
        using var upsert = _writer.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = "INSERT OR REPLACE INTO forward_floors(lane, shard, floor) VALUES($lane, 0, $at)";
        upsert.Parameters.AddWithValue("$lane", WrittenAtLane);
        upsert.Parameters.AddWithValue("$at", nowUnixMilliseconds);
        upsert.ExecuteNonQuery();
        _writtenAt = nowUnixMilliseconds;
    }

    private int IndexOf(int laneCode, int shard)
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            if (_keys[i] == (laneCode, shard))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The floors in the table (with the pseudo-lanes' rows).</summary>
    public static Dictionary<(int Lane, int Shard), long> ReadFloors(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT lane, shard, floor FROM forward_floors";
        var floors = new Dictionary<(int, int), long>();
        using var rows = command.ExecuteReader();
        while (rows.Read())
        {
            floors[(rows.GetInt32(0), rows.GetInt32(1))] = rows.GetInt64(2);
        }

        return floors;
    }

    /// <summary>"lane:shard:floor" triples joined by commas (the history's text).</summary>
    private static string Format((int Lane, int Shard)[] keys, long[] floors)
    {
        var text = new StringBuilder();
        for (var i = 0; i < keys.Length; i++)
        {
            text.Append(i == 0 ? string.Empty : ",").Append(CultureInfo.InvariantCulture, $"{keys[i].Lane}:{keys[i].Shard}:{floors[i]}");
        }

        return text.ToString();
    }

    private static Dictionary<(int Lane, int Shard), long> Parse(string text)
    {
        var floors = new Dictionary<(int, int), long>();
        foreach (var triple in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = triple.Split(':');
            floors[(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture))] = long.Parse(parts[2], CultureInfo.InvariantCulture);
        }

        return floors;
    }
}
