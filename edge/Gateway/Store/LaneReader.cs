using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// A lane's read connection, shared by the lane's shards under a lock (WAL readers never block the writer or each
/// other): an alarm read never waits behind a telemetry stream reading 1,000 rows on another lane's connection.
/// A backlog lists a row only after the commit that stored it, so every row listed is visible to the read.
/// </summary>
internal sealed class LaneReader : IDisposable
{
    private readonly Lane _lane;
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _read;
    private readonly SqliteParameter _sequences;
    private readonly List<long> _pending = [];
    private readonly System.Text.StringBuilder _list = new();
    private readonly object _lock = new();

    public LaneReader(Lane lane, SqliteConnection connection)
    {
        _lane = lane;
        _connection = connection;
        _read = connection.CreateCommand();
        // The rows the queue's backlog lists, by rowid: a seek per row, nothing read of other queues or of forwarded
        // rows (a read that followed an index over every row once read each forwarded row after the cursor, ~1.45 MB
        // per event, measured).
        _read.CommandText = "SELECT seq_no, id, dev, boot, seq, type, ts, rx, payload, skew_ms, fault, conflict_of FROM events WHERE seq_no IN (SELECT value FROM json_each($seqs)) ORDER BY seq_no";
        _sequences = _read.Parameters.Add("$seqs", SqliteType.Text);
    }

    /// <summary>Up to <paramref name="maxCount"/> pending rows of <paramref name="backlog"/> after the cursor, in store
    /// order (a row evicted meanwhile is simply not there).</summary>
    public List<EventRecord> Read(QueueBacklog backlog, long afterStoreSequence, int maxCount)
    {
        lock (_lock)
        {
            _pending.Clear();
            backlog.Read(afterStoreSequence, maxCount, _pending);
            if (_pending.Count == 0)
            {
                return [];
            }

            _list.Clear().Append('[');
            foreach (var sequence in _pending)
            {
                _list.Append(_list.Length > 1 ? "," : string.Empty).Append(sequence);
            }

            _sequences.Value = _list.Append(']').ToString();
            var result = new List<EventRecord>();
            using var rows = _read.ExecuteReader();
            while (rows.Read())
            {
                result.Add(new EventRecord
                {
                    StoreSequence = rows.GetInt64(0),
                    Id = rows.GetString(1),
                    Lane = _lane.Name,
                    DeviceId = rows.GetString(2),
                    BootEpoch = rows.GetInt32(3),
                    Sequence = rows.GetInt32(4),
                    Type = rows.GetString(5),
                    DeviceTimestampUnixMilliseconds = rows.GetInt64(6),
                    ReceivedUnixMilliseconds = rows.GetInt64(7),
                    Payload = rows.GetString(8),
                    ClockSkewMilliseconds = rows.IsDBNull(9) ? null : rows.GetInt64(9),
                    Fault = rows.IsDBNull(10) ? null : rows.GetString(10),
                    ConflictOf = rows.IsDBNull(11) ? null : rows.GetString(11),
                });
            }

            return result;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _read.Dispose();
            _connection.Dispose();
        }
    }
}
