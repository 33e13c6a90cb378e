using System.Threading.Channels;
using Eldercare.Edge.Gateway.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// The gateway's durable event log on SQLite (WAL), behind its narrow interfaces: <see cref="IEventAppender"/> for
/// ingest, <see cref="IForwardQueues"/> (one queue per lane and shard) for the forwarder, <see cref="ISequenceMarkSource"/>
/// for start-up, <see cref="IStoreStatus"/> for health. It wires its parts, each with one job: the schema
/// (<see cref="SqliteSchema"/>), the group-commit writer (<see cref="SqliteWriter"/>), the checkpointer
/// (<see cref="SqliteCheckpointer"/>), the lanes' readers (<see cref="LaneReader"/>), the statement that appends
/// (<see cref="RawInsert"/>) and housekeeping (<see cref="StoreHousekeeping"/>), and runs the maintenance loop on the
/// injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class SqliteEventStore : IEventAppender, IForwardQueues, ISequenceMarkSource, IStoreStatus, IAsyncDisposable
{
    private readonly StoreOptions _options;
    private readonly StoreCounters _counters;
    private readonly QueueSignals _signals;
    private readonly ForwardFloors _floors;
    private readonly SqliteWriter _writer;
    private readonly SqliteConnection _writerConnection;
    private readonly SqliteCheckpointer _checkpointer;
    private readonly List<LaneReader> _readers = [];
    private readonly SqliteForwardQueue[] _queues;
    private readonly TimeProvider _time;
    private readonly LaneDepthReader _depths;
    private readonly CancellationTokenSource _stopMaintenance = new();
    private readonly Task _maintenanceLoop;
    private int _disposed;

    private SqliteEventStore(StoreOptions options, LaneSet lanes, ILogger logger, StoreMetrics metrics, TimeProvider time)
    {
        _options = options;
        Lanes = lanes;
        Metrics = metrics;
        _time = time;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        _writerConnection = SqliteSchema.OpenWriter(options, now);
        _signals = new QueueSignals(lanes);
        _floors = ForwardFloors.Open(_writerConnection, lanes, _signals, now);
        _counters = new StoreCounters(_floors.TotalPending);
        _checkpointer = new SqliteCheckpointer(SqliteSchema.OpenOther(options, "PRAGMA busy_timeout=5000; PRAGMA synchronous=FULL;"), _counters, logger);
        var housekeeping = new StoreHousekeeping(_writerConnection, _floors, options, lanes);
        _writer = new SqliteWriter(options, housekeeping, _writerConnection, _counters, _signals, _floors, metrics, time, logger, _checkpointer.Committed);
        _queues = new SqliteForwardQueue[_signals.Count];
        foreach (var lane in lanes.InPriorityOrder)
        {
            // An evictable lane reads 1,000-row batches in a drain: a larger page cache; the others read a few rows.
            var reader = new LaneReader(lane, SqliteSchema.OpenOther(options, $"PRAGMA busy_timeout=5000; PRAGMA cache_size={(lane.Evictable ? -8192 : -2048)};"));
            _readers.Add(reader);
            for (var shard = 0; shard < lane.Shards; shard++)
            {
                var index = _signals.IndexOf(lane, shard);
                _queues[index] = new SqliteForwardQueue(lane, shard, index, _floors, reader, _writer, _signals[index]);
            }
        }

        _depths = new LaneDepthReader(lanes, _floors, _signals, SqliteSchema.OpenOther(options, "PRAGMA busy_timeout=5000;"), time);
        _maintenanceLoop = Task.Run(MaintenanceLoopAsync);
    }

    public LaneSet Lanes { get; }

    public StoreMetrics Metrics { get; }

    public long PendingCount => _counters.Pending;

    public int QueueDepth => _counters.QueueDepth;

    /// <summary>Times the writer restarted a write-ahead log past half its bound.</summary>
    public long WalRestarts => _counters.WalRestarts;

    /// <summary>Committed transactions (each one fsync); events per commit = stored / commits.</summary>
    public long CommitCount => _counters.Commits;

    /// <summary>Why the last commit failed (disk full, I/O error, a lock held too long); null while commits succeed.</summary>
    public string? LastCommitError => _counters.LastCommitError;

    /// <summary>Commits that failed since the store opened.</summary>
    public long CommitFailures => _counters.CommitFailures;

    /// <summary>Each lane's pending events and its oldest one's receive time (for /metrics; at most a second old).</summary>
    public IReadOnlyList<LaneDepth> ReadLaneDepths() => _depths.Read();

    /// <summary>The writer thread runs (false once it died or the store is closing).</summary>
    public bool WriterRunning => _writer.IsRunning;

    /// <summary>Opens (or creates, or upgrades) the store in <see cref="StoreOptions.DataDirectory"/>.</summary>
    /// <param name="lanes">The gateway's lanes: their codes are written, their shards computed at append.</param>
    /// <param name="time">The store's clock: when rows were forwarded, retention, the dedup window and the maintenance interval.</param>
    public static SqliteEventStore Open(StoreOptions options, LaneSet lanes, ILogger logger, StoreMetrics metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(lanes);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(time);
        return new SqliteEventStore(options, lanes, logger, metrics, time);
    }

    public Task<AppendOutcome> AppendAsync(EventRecord record, CancellationToken cancellationToken) => Append(record, shared: false, cancellationToken);

    public Task<AppendOutcome> AppendSharedAsync(EventRecord record, CancellationToken cancellationToken) =>
        Append(record, shared: _options.HeartbeatCommitWindowMilliseconds > 0, cancellationToken);

    public IForwardQueue Get(Lane lane, int shard)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, lane.Shards);
        return _queues[_signals.IndexOf(Lanes[lane.Name], shard)];
    }

    public IReadOnlyList<SequenceMark> ReadSequenceMarks(int recentRows)
    {
        // Once, at start: a connection of its own, one rowid range from the oldest pending row (or the last
        // recentRows rows, if older): the pending rows and the recent ones, and the done rows between them.
        var from = long.MaxValue;
        for (var i = 0; i < _floors.Count; i++)
        {
            from = Math.Min(from, _floors[i].Oldest ?? long.MaxValue);
        }

        using var connection = SqliteSchema.OpenOther(_options, "PRAGMA busy_timeout=5000;");
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT dev, lane, boot, MAX(seq) FROM events
            WHERE seq_no >= MIN($from, (SELECT COALESCE(MAX(seq_no), 0) FROM events) - $recent + 1) AND conflict_of IS NULL
            GROUP BY dev, lane, boot
            """;
        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$recent", recentRows);
        var marks = new List<SequenceMark>();
        using var rows = command.ExecuteReader();
        while (rows.Read())
        {
            marks.Add(new SequenceMark(rows.GetString(0), Lanes.ByCode(rows.GetInt32(1)).Name, rows.GetInt32(2), rows.GetInt32(3)));
        }

        return marks;
    }

    /// <summary>
    /// Runs the retention prune and the dedup-window expiry now, in the writer's next transaction, on the store's clock;
    /// completes when that transaction committed. The maintenance loop calls it every
    /// <see cref="StoreOptions.MaintenanceIntervalSeconds"/>; tests call it after moving a fake clock.
    /// </summary>
    public async Task MaintainAsync(CancellationToken cancellationToken)
    {
        var request = new MaintenanceRequest();
        await _writer.EnqueueAsync(request, urgent: false, cancellationToken).ConfigureAwait(false);
        await request.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>Closes the store once; later calls do nothing (the host disposes it once per interface it is registered as).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopMaintenance.CancelAsync().ConfigureAwait(false);
        await _maintenanceLoop.ConfigureAwait(false);
        _stopMaintenance.Dispose();
        await _writer.StopAsync().ConfigureAwait(false);
        _checkpointer.Dispose();
        _depths.Dispose();
        _writerConnection.Dispose();
        foreach (var reader in _readers)
        {
            reader.Dispose();
        }

        _signals.Dispose();
    }

    private Task<AppendOutcome> Append(EventRecord record, bool shared, CancellationToken cancellationToken)
    {
        var lane = Lanes[record.Lane];
        var shard = lane.ShardOf(record.DeviceId);
        var request = new AppendRequest(record, lane.Code, shard, _signals.IndexOf(lane, shard), shared && !lane.Urgent);
        var enqueued = _writer.EnqueueAsync(request, lane.Urgent, cancellationToken);
        // Queued at once (the queue has room): the commit's own task, no state machine of this method on the heap.
        // Not cancellable once queued: the write may already be in the transaction.
        return enqueued.IsCompletedSuccessfully ? request.Completion.Task : AppendAfterRoomAsync(request, enqueued);
    }

    private static async Task<AppendOutcome> AppendAfterRoomAsync(AppendRequest request, ValueTask enqueued)
    {
        await enqueued.ConfigureAwait(false);
        return await request.Completion.Task.ConfigureAwait(false);
    }

    private async Task MaintenanceLoopAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(_options.MaintenanceIntervalSeconds), _time, _stopMaintenance.Token).ConfigureAwait(false);
                await _writer.EnqueueAsync(new MaintenanceRequest(), urgent: false, _stopMaintenance.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Store closing.
        }
        catch (ChannelClosedException)
        {
            // Store closing.
        }
    }
}
