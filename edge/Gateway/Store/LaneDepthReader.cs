using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// Reads each lane's backlog for /metrics: the count from the queues' backlogs in memory (<see cref="ForwardFloors"/>),
/// and per shard the oldest pending row's receive time (a rowid seek on a connection of its own; WAL readers never
/// block the writer). A result is reused for <see cref="CacheFor"/>: the bench samples /metrics every 200 ms in a storm.
/// </summary>
internal sealed class LaneDepthReader : IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private readonly LaneSet _lanes;
    private readonly ForwardFloors _floors;
    private readonly QueueSignals _queues;
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly object _lock = new();
    private IReadOnlyList<LaneDepth>? _last;
    private long _lastAt;

    public LaneDepthReader(LaneSet lanes, ForwardFloors floors, QueueSignals queues, SqliteConnection connection, TimeProvider time)
    {
        _lanes = lanes;
        _floors = floors;
        _queues = queues;
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
            using var oldest = _connection.CreateCommand();
            oldest.CommandText = "SELECT rx FROM events WHERE seq_no = $seq";
            var sequence = oldest.Parameters.Add("$seq", SqliteType.Integer);
            foreach (var lane in _lanes.InPriorityOrder)
            {
                long pending = 0;
                long? first = null;
                for (var shard = 0; shard < lane.Shards; shard++)
                {
                    var backlog = _floors[_queues.IndexOf(lane, shard)];
                    pending += backlog.Pending;
                    if (backlog.Oldest is not { } head)
                    {
                        continue;
                    }

                    sequence.Value = head;
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
