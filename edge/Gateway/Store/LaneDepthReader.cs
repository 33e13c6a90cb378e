using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// Reads each lane's backlog for /metrics on a connection of its own (WAL readers never block the writer): a count over
/// the lane's part of the partial index of pending rows, and per shard the first pending row's receive time (a seek).
/// The count grows with the backlog (~10 ms per 100k pending rows), so a result is reused for
/// <see cref="CacheFor"/>: the bench samples /metrics every 200 ms during a storm.
/// </summary>
internal sealed class LaneDepthReader : IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private readonly LaneSet _lanes;
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly object _lock = new();
    private IReadOnlyList<LaneDepth>? _last;
    private long _lastAt;

    public LaneDepthReader(LaneSet lanes, SqliteConnection connection, TimeProvider time)
    {
        _lanes = lanes;
        _connection = connection;
        _time = time;
    }

    public IReadOnlyList<LaneDepth> Read()
    {
        lock (_lock)
        {
            if (_last is not null && _time.GetElapsedTime(_lastAt) < CacheFor)
            {
                return _last;
            }

            var depths = new List<LaneDepth>(_lanes.InPriorityOrder.Count);
            using var count = _connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM events INDEXED BY events_queue WHERE forwarded = 0 AND lane = $lane";
            var countLane = count.Parameters.Add("$lane", SqliteType.Integer);
            using var oldest = _connection.CreateCommand();
            oldest.CommandText = "SELECT rx FROM events INDEXED BY events_queue WHERE forwarded = 0 AND lane = $lane AND shard = $shard ORDER BY seq_no LIMIT 1";
            var oldestLane = oldest.Parameters.Add("$lane", SqliteType.Integer);
            var oldestShard = oldest.Parameters.Add("$shard", SqliteType.Integer);
            foreach (var lane in _lanes.InPriorityOrder)
            {
                countLane.Value = lane.Code;
                var pending = Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                long? first = null;
                oldestLane.Value = lane.Code;
                for (var shard = 0; pending > 0 && shard < lane.Shards; shard++)
                {
                    oldestShard.Value = shard;
                    if (oldest.ExecuteScalar() is long rx && (first is null || rx < first))
                    {
                        first = rx;
                    }
                }

                depths.Add(new LaneDepth(lane.Name, pending, first));
            }

            _last = depths;
            _lastAt = _time.GetTimestamp();
            return depths;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _connection.Dispose();
        }
    }
}
