using System.Threading.Channels;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Firmware.Core.Events;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Store;

// Size (~1,040 lines): more than one job. Schema and migration, the group-commit writer with its commit window, the
// checkpoint thread, the maintenance loop, the read paths and the raw insert all live here; issue 12 asks for narrow
// store interfaces (an appender, a forward queue per lane and shard) over smaller parts, which is not done yet.
// Housekeeping (StoreHousekeeping), lane codes (LaneCodes) and the write queue (WriteQueue) are already out.
/// <summary>
/// SQLite store with group commit. Publishers put appends on a bounded channel (full = they wait:
/// backpressure, never a drop); one writer loop takes everything queued, writes it in one transaction,
/// commits, and only then completes each publisher's task. WAL with <c>synchronous=FULL</c> fsyncs the
/// WAL on every commit, so an event acknowledged after <see cref="AppendAsync"/> survives a power cut
/// (https://www.sqlite.org/pragma.html#pragma_synchronous: NORMAL in WAL mode may lose the last commits).
/// Forward-state updates go through the same writer, so there is one writer connection and no lock
/// contention; reads use their own connection (WAL readers do not block the writer).
/// Quota, retention and the dedup window of removed ids: <see cref="StoreHousekeeping"/>, in the same transactions.
/// </summary>
public sealed class SqliteEventStore : IEventStore, IAsyncDisposable
{
    private readonly StoreOptions _options;
    private readonly ILogger _logger;
    // Alarms have their own queue, drained first by the writer: an SOS is committed in the next transaction
    // even when tens of thousands of telemetry appends are queued (its PUBACK still follows the commit).
    private readonly WriteQueue<WriteRequest> _queue;
    // Set by every producer after writing to a queue; the writer thread sleeps on it only when both are empty.
    private readonly ManualResetEventSlim _work = new(false);
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SqliteConnection _writer;
    private readonly SqliteConnection _checkpointer;
    private readonly Thread _checkpointThread;
    private readonly ManualResetEventSlim _checkpointWake = new(false);
    private volatile bool _stopping;
    private readonly SqliteConnection _reader;

    // The alarm lane's own read connection (WAL readers do not block each other): its read never waits behind a
    // telemetry stream reading 1,000 rows on _reader. Used by the alarm lane's single thread, under its own lock.
    private readonly SqliteConnection _alarmReader;
    private readonly object _alarmReaderLock = new();
    private readonly SemaphoreSlim _readerLock = new(1, 1);
    /// <summary>Non-alarm requests committed together with alarms at most (the rest go in the next batch).</summary>
    private const int AlarmBatchCompanions = 16;

    private readonly WakeSignal _newEvents = new();
    private readonly WakeSignal _newAlarms = new();
    // One signal per alarm stream of the forwarder (each thread waits on its own; a commit with alarms sets all).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, WakeSignal> _alarmWakes = new();
    private readonly Thread _writerThread;
    private readonly StoreHousekeeping _housekeeping;
    private readonly StoreMetrics _metrics;

    // The store's clock: receive times are the ingest's, but forwarded_at, retention and the dedup window are the
    // store's own, and a test moves them with a fake clock instead of waiting a day.
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopMaintenance = new();
    private readonly Task _maintenanceLoop;
    private long _pending;
    private int _queueDepth;
    private long _walCheckedAt;
    private long _walRestarts;
    private readonly SqliteCommand _synchronousNormal;
    private readonly SqliteCommand _synchronousFull;
    private readonly SqliteCommand _restartCheckpoint;

    private SqliteEventStore(StoreOptions options, ILogger logger, SqliteConnection writer, SqliteConnection reader, SqliteConnection alarmReader, SqliteConnection checkpointer, long pending, StoreMetrics metrics, TimeProvider time)
    {
        _time = time;
        _alarmReader = alarmReader;
        _options = options;
        _logger = logger;
        _writer = writer;
        _checkpointer = checkpointer;
        _reader = reader;
        _pending = pending;
        _metrics = metrics;
        _housekeeping = new StoreHousekeeping(writer, options);
        _synchronousNormal = writer.CreateCommand();
        _synchronousNormal.CommandText = "PRAGMA synchronous=NORMAL";
        _synchronousFull = writer.CreateCommand();
        _synchronousFull.CommandText = "PRAGMA synchronous=FULL";
        _restartCheckpoint = writer.CreateCommand();
        // A short wait for readers: the writer must not stall an alarm behind a long checkpoint wait.
        _restartCheckpoint.CommandText = "PRAGMA busy_timeout=20; PRAGMA wal_checkpoint(RESTART); PRAGMA busy_timeout=5000;";
        _metrics.SetTelemetryBytes(_housekeeping.TelemetryBytes);
        _queue = new WriteQueue<WriteRequest>(options.QueueCapacity, _work.Set);
        // Dedicated threads: the writer blocks in SQLite (statements, fsync) and must neither hold a thread-pool
        // thread (MQTTnet's connections run there) nor wait for one to be scheduled when work is queued.
        _writerThread = new Thread(WriterLoop) { IsBackground = true, Name = "store-writer" };
        _writerThread.Start();
        _checkpointThread = new Thread(CheckpointLoop) { IsBackground = true, Name = "store-checkpoint" };
        _checkpointThread.Start();
        _maintenanceLoop = Task.Run(MaintenanceLoopAsync);
    }

    public long PendingCount => Interlocked.Read(ref _pending);

    public int QueueDepth => Volatile.Read(ref _queueDepth);

    /// <summary>Times the writer restarted a write-ahead log past half its bound.</summary>
    public long WalRestarts => Interlocked.Read(ref _walRestarts);

    /// <summary>Committed transactions (each one fsync); events per commit = stored / commits.</summary>
    public long CommitCount => Interlocked.Read(ref _commits);

    private long _commits;

    public StoreMetrics Metrics => _metrics;

    public static SqliteEventStore Open(StoreOptions options, ILogger logger, StoreMetrics? metrics = null, TimeProvider? time = null)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Pooling = false,
        }.ToString();

        var isNew = !File.Exists(options.DatabasePath);
        var writer = new SqliteConnection(connectionString);
        writer.Open();
        if (isNew)
        {
            // 1 KB pages for a new store (SQLite's default is 4 KB): a commit writes every page it touched to the WAL
            // in full, and a heartbeat touches a leaf of the id index of its own (ids of different devices), so the
            // page size is the bytes written per event at a community's rate (2.5 instead of 6.4 KB per event with
            // 17 heartbeats per commit, measured). Must precede WAL mode; an existing store keeps its page size.
            Execute(writer, "PRAGMA page_size=1024;");
        }

        // synchronous=FULL stays (every commit fsyncs the WAL). The rest only saves work: a page cache that holds
        // the hot B-tree pages (default 2 MB made every insert re-read index pages), temp b-trees in memory,
        // and checkpoints off the writer (wal_autocheckpoint=0 here, CheckpointLoop on its own connection
        // copies WAL pages to the database and fsyncs it, without blocking commits).
        Execute(writer, $"""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            PRAGMA busy_timeout=5000;
            PRAGMA cache_size=-32768;
            PRAGMA temp_store=MEMORY;
            PRAGMA wal_autocheckpoint=0;
            PRAGMA journal_size_limit={(long)options.MaxWalMegabytes * 1024 * 1024};
            CREATE TABLE IF NOT EXISTS events(
              seq_no INTEGER PRIMARY KEY,
              id TEXT NOT NULL UNIQUE,
              lane INTEGER NOT NULL,
              dev TEXT NOT NULL,
              boot INTEGER NOT NULL,
              seq INTEGER NOT NULL,
              type TEXT NOT NULL,
              ts INTEGER NOT NULL,
              rx INTEGER NOT NULL,
              payload TEXT NOT NULL,
              forwarded INTEGER NOT NULL DEFAULT 0,
              forwarded_at INTEGER);
            CREATE INDEX IF NOT EXISTS events_pending ON events(lane, seq_no) WHERE forwarded = 0;
            """);
        StoreHousekeeping.CreateSchema(writer);
        AddColumnIfMissing(writer, "events", "skew_ms", "INTEGER");
        // One id, one payload (docs/wire-format.md): the digest tells a resend from a reused id; rows of an older
        // gateway have none and count as the same payload (a resend), as they did then.
        AddColumnIfMissing(writer, "events", "digest", "INTEGER");
        AddColumnIfMissing(writer, "events", "fault", "TEXT");
        AddColumnIfMissing(writer, "events", "conflict_of", "TEXT");
        AddColumnIfMissing(writer, "tombstones", "digest", "INTEGER");

        long pending;
        using (var count = writer.CreateCommand())
        {
            count.CommandText = "SELECT COUNT(*) FROM events WHERE forwarded = 0";
            pending = (long)count.ExecuteScalar()!;
        }

        var reader = new SqliteConnection(connectionString);
        reader.Open();
        Execute(reader, "PRAGMA busy_timeout=5000; PRAGMA cache_size=-8192;");
        var alarmReader = new SqliteConnection(connectionString);
        alarmReader.Open();
        Execute(alarmReader, "PRAGMA busy_timeout=5000; PRAGMA cache_size=-2048;");
        var checkpointer = new SqliteConnection(connectionString);
        checkpointer.Open();
        Execute(checkpointer, "PRAGMA busy_timeout=5000; PRAGMA synchronous=FULL;");
        return new SqliteEventStore(options, logger, writer, reader, alarmReader, checkpointer, pending, metrics ?? new StoreMetrics(), time ?? TimeProvider.System);
    }

    public Task<AppendOutcome> AppendAsync(EventRecord record, CancellationToken cancellationToken) => Append(record, shared: false, cancellationToken);

    public Task<AppendOutcome> AppendSharedAsync(EventRecord record, CancellationToken cancellationToken) =>
        Append(record, shared: !record.IsAlarm && _options.HeartbeatCommitWindowMilliseconds > 0, cancellationToken);

    private Task<AppendOutcome> Append(EventRecord record, bool shared, CancellationToken cancellationToken)
    {
        var request = new AppendRequest(record, shared);
        Interlocked.Increment(ref _queueDepth);
        ValueTask enqueued;
        try
        {
            enqueued = _queue.EnqueueAsync(request, record.IsAlarm, cancellationToken);
        }
        catch
        {
            Interlocked.Decrement(ref _queueDepth);
            throw;
        }

        // Queued at once (the queue has room): the commit's own task, no state machine of this method on the heap.
        // Not cancellable once queued: the write may already be in the transaction.
        return enqueued.IsCompletedSuccessfully ? request.Completion.Task : AppendAfterRoomAsync(request, enqueued);
    }

    private async Task<AppendOutcome> AppendAfterRoomAsync(AppendRequest request, ValueTask enqueued)
    {
        try
        {
            await enqueued.ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _queueDepth);
            throw;
        }

        return await request.Completion.Task.ConfigureAwait(false);
    }

    public async Task<int> MarkAsync(IReadOnlyCollection<string> ids, ForwardState state, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return 0;
        }

        var request = new MarkRequest(ids, state);
        Interlocked.Increment(ref _queueDepth);
        await _queue.EnqueueAsync(request, alarm: false, cancellationToken).ConfigureAwait(false);
        return await request.Completion.Task.ConfigureAwait(false);
    }

    public int MarkAlarms(IReadOnlyCollection<string> ids, ForwardState state, CancellationToken cancellationToken) =>
        // A blocking wait on the completion is woken by the writer itself (no thread pool hop).
        QueueAlarmMarks(ids, state, cancellationToken).GetAwaiter().GetResult();

    public Task<int> QueueAlarmMarks(IReadOnlyCollection<string> ids, ForwardState state, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return Task.FromResult(0);
        }

        var request = new MarkRequest(ids, state);
        Interlocked.Increment(ref _queueDepth);
        // Blocks only while the write queue is over its capacity (backpressure), like any enqueue.
        _queue.EnqueueAsync(request, alarm: true, cancellationToken).AsTask().GetAwaiter().GetResult();
        return request.Completion.Task;
    }

    public Task<IReadOnlyList<EventRecord>> ReadPendingAsync(int maxCount, CancellationToken cancellationToken) =>
        ReadPendingCoreAsync(null, maxCount, cancellationToken);

    public Task<IReadOnlyList<EventRecord>> ReadPendingAsync(string lane, int maxCount, CancellationToken cancellationToken) =>
        ReadPendingCoreAsync(LaneCodes.Of(lane), maxCount, cancellationToken);

    public Task<IReadOnlyList<EventRecord>> ReadPendingAsync(string lane, int shard, int shards, long afterStoreSequence, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, shards);
        return ReadPendingCoreAsync(LaneCodes.Of(lane), maxCount, cancellationToken, afterStoreSequence, shard, shards);
    }

    public IReadOnlyList<EventRecord> ReadPendingAlarms(long afterStoreSequence, int maxCount) =>
        ReadPendingAlarms(0, 1, afterStoreSequence, maxCount);

    public IReadOnlyList<EventRecord> ReadPendingAlarms(int shard, int shards, long afterStoreSequence, int maxCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, shards);
        lock (_alarmReaderLock)
        {
            return ReadPendingCore(LaneCodes.Alarm, maxCount, afterStoreSequence, shard, shards, _alarmReader);
        }
    }

    // A stream's signal starts set: made on its first use, it could otherwise miss a commit that came before it
    // (the stream then reads once at start, which it must do anyway).
    public void WaitForNewAlarms(int shard, TimeSpan timeout, CancellationToken cancellationToken) =>
        _alarmWakes.GetOrAdd(shard, static _ => new WakeSignal(signalled: true)).Wait(timeout, cancellationToken);

    public void WakeAlarms(int shard) => _alarmWakes.GetOrAdd(shard, static _ => new WakeSignal(signalled: true)).Set();

    public IReadOnlyList<EventRecord> ReadPending(string lane, int maxCount, CancellationToken cancellationToken)
    {
        _readerLock.Wait(cancellationToken);
        try
        {
            return ReadPendingCore(LaneCodes.Of(lane), maxCount, 0, 0, 1);
        }
        finally
        {
            _readerLock.Release();
        }
    }

    public void WaitForNewEvents(string lane, TimeSpan timeout, CancellationToken cancellationToken) =>
        (lane == EventTypes.AlarmLane ? _newAlarms : _newEvents).Wait(timeout, cancellationToken);

    private async Task<IReadOnlyList<EventRecord>> ReadPendingCoreAsync(int? lane, int maxCount, CancellationToken cancellationToken, long afterStoreSequence = 0, int shard = 0, int shards = 1)
    {
        await _readerLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return ReadPendingCore(lane, maxCount, afterStoreSequence, shard, shards);
        }
        finally
        {
            _readerLock.Release();
        }
    }

    private List<EventRecord> ReadPendingCore(int? lane, int maxCount, long afterStoreSequence, int shard, int shards, SqliteConnection? connection = null)
    {
        using var command = (connection ?? _reader).CreateCommand();
        // lane 0 = alarm sorts first; the partial index events_pending serves this order directly. A share of the
        // devices is selected by the last character of the id (fixed per device, no extra column or index).
        // INDEXED BY: left to itself SQLite took the full index events_lane_order for (lane, seq_no > cursor) and read
        // every forwarded row after the cursor, a read per event that grew with the store (~1.45 MB per event, measured).
        command.CommandText = lane is null
            ? "SELECT seq_no, id, lane, dev, boot, seq, type, ts, rx, payload, skew_ms, fault, conflict_of FROM events WHERE forwarded = 0 ORDER BY lane, seq_no LIMIT $n"
            : shards == 1
                ? "SELECT seq_no, id, lane, dev, boot, seq, type, ts, rx, payload, skew_ms, fault, conflict_of FROM events INDEXED BY events_pending WHERE forwarded = 0 AND lane = $lane AND seq_no > $after ORDER BY seq_no LIMIT $n"
                : "SELECT seq_no, id, lane, dev, boot, seq, type, ts, rx, payload, skew_ms, fault, conflict_of FROM events INDEXED BY events_pending WHERE forwarded = 0 AND lane = $lane AND seq_no > $after AND unicode(substr(dev, -1)) % $shards = $shard ORDER BY seq_no LIMIT $n";
        command.Parameters.AddWithValue("$n", maxCount);
        command.Parameters.AddWithValue("$after", afterStoreSequence);
        command.Parameters.AddWithValue("$shards", shards);
        command.Parameters.AddWithValue("$shard", shard);
        if (lane is not null)
        {
            command.Parameters.AddWithValue("$lane", lane.Value);
        }

        var result = new List<EventRecord>();
        using var rows = command.ExecuteReader();
        while (rows.Read())
        {
            result.Add(new EventRecord
            {
                StoreSequence = rows.GetInt64(0),
                Id = rows.GetString(1),
                Lane = LaneCodes.NameOf(rows.GetInt32(2)),
                DeviceId = rows.GetString(3),
                BootEpoch = rows.GetInt32(4),
                Sequence = rows.GetInt32(5),
                Type = rows.GetString(6),
                DeviceTimestampUnixMilliseconds = rows.GetInt64(7),
                ReceivedUnixMilliseconds = rows.GetInt64(8),
                Payload = rows.GetString(9),
                ClockSkewMilliseconds = rows.IsDBNull(10) ? null : rows.GetInt64(10),
                Fault = rows.IsDBNull(11) ? null : rows.GetString(11),
                ConflictOf = rows.IsDBNull(12) ? null : rows.GetString(12),
            });
        }

        return result;
    }

    public IReadOnlyList<SequenceMark> ReadSequenceMarks(int recentRows)
    {
        _readerLock.Wait();
        try
        {
            using var command = _reader.CreateCommand();
            // Pending rows through the partial index, recent ones through the rowid range: bounded at start (written as
            // one OR, SQLite scanned every row of the table).
            command.CommandText = """
                SELECT dev, lane, boot, MAX(seq) FROM (
                  SELECT dev, lane, boot, seq, conflict_of FROM events INDEXED BY events_pending WHERE forwarded = 0
                  UNION ALL
                  SELECT dev, lane, boot, seq, conflict_of FROM events WHERE seq_no > (SELECT COALESCE(MAX(seq_no), 0) FROM events) - $recent)
                WHERE conflict_of IS NULL
                GROUP BY dev, lane, boot
                """;
            command.Parameters.AddWithValue("$recent", recentRows);
            var marks = new List<SequenceMark>();
            using var rows = command.ExecuteReader();
            while (rows.Read())
            {
                marks.Add(new SequenceMark(rows.GetString(0), LaneCodes.NameOf(rows.GetInt32(1)), rows.GetInt32(2), rows.GetInt32(3)));
            }

            return marks;
        }
        finally
        {
            _readerLock.Release();
        }
    }

    public Task WaitForNewEventsAsync(TimeSpan timeout, CancellationToken cancellationToken) => _newEvents.WaitAsync(timeout, cancellationToken);

    public Task WaitForNewEventsAsync(string lane, TimeSpan timeout, CancellationToken cancellationToken) =>
        (lane == EventTypes.AlarmLane ? _newAlarms : _newEvents).WaitAsync(timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stopMaintenance.CancelAsync().ConfigureAwait(false);
        await _maintenanceLoop.ConfigureAwait(false);
        _stopMaintenance.Dispose();
        _queue.Close();
        _stopping = true;
        _work.Set();
        await _writerDone.Task.ConfigureAwait(false);
        _checkpointWake.Set();
        _checkpointThread.Join();
        _checkpointer.Dispose();
        _synchronousNormal.Dispose();
        _synchronousFull.Dispose();
        _restartCheckpoint.Dispose();
        _writer.Dispose();
        _reader.Dispose();
        lock (_alarmReaderLock)
        {
            _alarmReader.Dispose();
        }

        _work.Dispose();
        _checkpointWake.Dispose();
        _readerLock.Dispose();
        _newEvents.Dispose();
        _newAlarms.Dispose();
        foreach (var wake in _alarmWakes.Values)
        {
            wake.Dispose();
        }
    }

    private void WriterLoop()
    {
        try
        {
            var refused = Hosting.ThreadNice.TrySetCurrentThread(_options.WriterNice);
            if (refused is not null)
            {
                _logger.LogWarning("store writer stays at the process's priority (nice {Nice} refused: {Reason})", _options.WriterNice, refused);
            }

            RunWriter();
        }
        catch (Exception exception)
        {
            _logger.LogCritical(exception, "store writer stopped");
        }
        finally
        {
            _writerDone.TrySetResult();
        }
    }

    private void RunWriter()
    {
        var batch = new List<WriteRequest>(_options.MaxBatchSize);
        using var insert = new RawInsert(_writer);
        // An id in tombstones (pruned after forwarding, or evicted) is still a duplicate: no second delivery.
        // One statement per forwarded batch (was one UPDATE per id): the ids travel as one JSON array.
        using var mark = _writer.CreateCommand();
        mark.CommandText = "UPDATE events SET forwarded = $state, forwarded_at = $at WHERE id IN (SELECT value FROM json_each($ids)) AND forwarded = 0";
        var mState = mark.Parameters.Add("$state", SqliteType.Integer);
        var mAt = mark.Parameters.Add("$at", SqliteType.Integer);
        var mIds = mark.Parameters.Add("$ids", SqliteType.Text);
        using var relabel = _writer.CreateCommand();
        relabel.CommandText = "UPDATE tombstones SET reason = 'forwarded' WHERE id IN (SELECT value FROM json_each($ids)) AND reason = 'quota'";
        var rIds = relabel.Parameters.Add("$ids", SqliteType.Text);

        while (true)
        {
            // Reset before looking: a producer that writes after the look sets the event after the reset.
            _work.Reset();
            batch.Clear();
            while (batch.Count < _options.MaxBatchSize && _queue.TryDequeueAlarm(out var alarm))
            {
                batch.Add(alarm);
            }

            // A batch with alarms carries few others, and appends only (one row each; a forwarded batch's mark of
            // 1,000 ids, met in a trace, held an alarm's transaction for 35 ms): the alarm's commit waits for every
            // statement in its transaction. The queue's order is kept: a mark at its head waits for the next batch.
            var withAlarms = batch.Count > 0;
            var limit = withAlarms ? Math.Min(_options.MaxBatchSize, batch.Count + AlarmBatchCompanions) : _options.MaxBatchSize;
            while (batch.Count < limit
                && (withAlarms ? _queue.TryDequeueOtherIf(static r => r is AppendRequest, out var request) : _queue.TryDequeueOther(out request)))
            {
                batch.Add(request);
            }

            _queue.SignalRoom();

            if (batch.Count == 0)
            {
                if (_stopping)
                {
                    return;
                }

                _work.Wait();
                continue;
            }

            if (!withAlarms)
            {
                WaitForCompany(batch);
            }

            // Forward marks alone need no fsync: lost in a power cut, their events are sent again and the platform
            // answers them as duplicates. The next commit with events fsyncs the log, these frames with it.
            var durable = batch.Exists(static r => r is AppendRequest);
            if (!durable)
            {
                _synchronousNormal.ExecuteNonQuery();
            }

            Interlocked.Add(ref _queueDepth, -batch.Count);
            var stored = 0;
            var storedAlarms = 0;
            var marked = 0;
            var removed = new HousekeepingResult();
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            try
            {
                using var transaction = _writer.BeginTransaction();
                mark.Transaction = transaction;
                relabel.Transaction = transaction;
                foreach (var request in batch)
                {
                    Apply(request, transaction);
                }

                // Alarms that arrived while the rows above were written join this commit instead of waiting for
                // it and then for one of their own (an fsync each); not a commit without fsync.
                var joined = 0;
                while (durable && joined < AlarmBatchCompanions && _queue.TryDequeueAlarm(out var late))
                {
                    Interlocked.Decrement(ref _queueDepth);
                    batch.Add(late);
                    Apply(late, transaction);
                    joined++;
                }

                removed.Add(_housekeeping.EnforceQuota(transaction, now));
                transaction.Commit();
            }
            catch (Exception exception)
            {
                if (!durable)
                {
                    _synchronousFull.ExecuteNonQuery();
                }

                // Disk full, I/O error: nobody is acknowledged; publishers close the connection and the
                // device keeps the event in its outbox. The loop goes on with the next batch.
                _logger.LogError(exception, "store commit failed for {Count} requests", batch.Count);
                foreach (var request in batch)
                {
                    request.Fail(exception);
                }

                _housekeeping.Reload();
                continue;
            }

            // One request's statements, inside the batch's transaction; counts what it changed.
            void Apply(WriteRequest request, SqliteTransaction transaction)
            {
                if (request is AppendRequest append)
                {
                    var r = append.Record;
                    append.Outcome = insert.Execute(r) ? AppendOutcome.Stored : AppendOutcome.Duplicate;
                    if (append.Outcome == AppendOutcome.Duplicate && insert.StoredDigestDiffers(r))
                    {
                        // The id came before with another payload: a device fault, not a resend. This payload is kept
                        // under its derived id (a resend of it is a duplicate of that one), flagged, and forwarded.
                        r = r.AsConflict();
                        append.Outcome = insert.Execute(r) ? AppendOutcome.Conflict : AppendOutcome.ConflictDuplicate;
                    }

                    var written = append.Outcome is AppendOutcome.Stored or AppendOutcome.Conflict;
                    stored += written ? 1 : 0;
                    storedAlarms += written && r.IsAlarm ? 1 : 0;
                    if (written && !r.IsAlarm)
                    {
                        _housekeeping.TelemetryBytes += System.Text.Encoding.UTF8.GetByteCount(r.Payload);
                    }
                }
                else if (request is MarkRequest markRequest)
                {
                    mState.Value = (int)markRequest.State;
                    mAt.Value = now;
                    mIds.Value = markRequest.IdsJson;
                    var changed = mark.ExecuteNonQuery();
                    if (changed < markRequest.Ids.Count && markRequest.State == ForwardState.Forwarded)
                    {
                        // Some were no longer pending: an id evicted while its batch was in flight did reach
                        // the cloud (ids in events are never in tombstones, so all ids can be given).
                        rIds.Value = markRequest.IdsJson;
                        relabel.ExecuteNonQuery();
                    }

                    markRequest.Changed = changed;
                    marked += changed;
                }
                else if (request is MaintenanceRequest)
                {
                    removed.Add(_housekeeping.PruneExpired(transaction, now));
                }
            }

            if (!durable)
            {
                _synchronousFull.ExecuteNonQuery();
            }

            Interlocked.Increment(ref _commits);
            Interlocked.Add(ref _pending, stored - marked - removed.Evicted);
            _checkpointWake.Set();
            Report(removed);
            foreach (var request in batch)
            {
                request.Complete();
            }

            if (stored > 0)
            {
                _newEvents.Set();
            }

            if (storedAlarms > 0)
            {
                _newAlarms.Set();
                foreach (var wake in _alarmWakes.Values)
                {
                    wake.Set();
                }
            }

            BoundWal();
        }
    }

    /// <summary>
    /// A batch of shared appends (settled devices' heartbeats) and small marks waits for more until the oldest of them
    /// has waited the commit window, the batch is full, or something that must not wait arrives (an alarm,
    /// any other append): then everything goes in one commit.
    /// </summary>
    private void WaitForCompany(List<WriteRequest> batch)
    {
        if (_options.HeartbeatCommitWindowMilliseconds == 0)
        {
            return;
        }

        long oldest = long.MaxValue;
        var markedIds = 0;
        foreach (var request in batch)
        {
            if (request is AppendRequest append)
            {
                if (!append.Shared)
                {
                    return;
                }

                oldest = Math.Min(oldest, append.EnqueuedAtMilliseconds);
            }
            else if (request is MarkRequest mark)
            {
                // Small marks (a few heartbeats forwarded) wait too, so the telemetry streams' marks share one commit;
                // a drain's marks (a full batch) never wait.
                markedIds += mark.Ids.Count;
                if (markedIds >= SharedMarkIds)
                {
                    return;
                }

                oldest = Math.Min(oldest, mark.EnqueuedAtMilliseconds);
            }
        }

        if (oldest == long.MaxValue)
        {
            return;
        }

        var deadline = oldest + _options.HeartbeatCommitWindowMilliseconds;
        while (batch.Count < _options.MaxBatchSize && !_stopping)
        {
            var remaining = deadline - Environment.TickCount64;
            if (remaining <= 0)
            {
                return;
            }

            _work.Reset();
            var stop = false;
            while (batch.Count < _options.MaxBatchSize && _queue.TryDequeueAlarm(out var alarm))
            {
                batch.Add(alarm);
                stop = true;
            }

            while (batch.Count < _options.MaxBatchSize && _queue.TryDequeueOther(out var other))
            {
                batch.Add(other);
                stop |= other is AppendRequest { Shared: false } || (other is MarkRequest mark && (markedIds += mark.Ids.Count) >= SharedMarkIds);
            }

            _queue.SignalRoom();
            if (stop)
            {
                return;
            }

            _work.Wait(TimeSpan.FromMilliseconds(remaining));
        }
    }

    /// <summary>
    /// Keeps the write-ahead log within <see cref="StoreOptions.MaxWalMegabytes"/>. The checkpoint thread copies frames
    /// into the database (PASSIVE) but cannot restart a log that a reader or the next commit still uses, so under
    /// sustained writes the log only grew. Past the bound, between two commits and with no alarm queued, the writer
    /// runs a RESTART checkpoint itself with a short busy timeout (a reader holding the log makes it give up at once
    /// and try after a later commit): the next commit then writes the log from its start, and SQLite truncates the file
    /// to the bound (journal_size_limit).
    /// </summary>
    private void BoundWal()
    {
        var now = Environment.TickCount64;
        if (now - _walCheckedAt < 250)
        {
            return;
        }

        _walCheckedAt = now;
        var wal = new FileInfo(_options.DatabasePath + "-wal");
        if (!wal.Exists || wal.Length <= (long)_options.MaxWalMegabytes * 1024 * 1024 / 2 || _queue.HasAlarms)
        {
            return;
        }

        try
        {
            _restartCheckpoint.ExecuteNonQuery();
            Interlocked.Increment(ref _walRestarts);
        }
        catch (SqliteException exception)
        {
            // The command ends by putting the busy timeout back; a failure before that must not leave it at 20 ms.
            Execute(_writer, "PRAGMA busy_timeout=5000;");
            _logger.LogDebug("wal restart checkpoint deferred: {Error}", exception.Message);
        }
    }

    private void Report(HousekeepingResult removed)
    {
        _metrics.SetTelemetryBytes(_housekeeping.TelemetryBytes);
        if (removed.Evicted > 0)
        {
            _metrics.CountEvicted(removed.Evicted);
            // One line per commit, not per event: at fleet rate a line per event would be the next disk problem.
            _logger.LogWarning("evicted {Count} telemetry events (reason=quota, quota {Quota} bytes): oldest {First} .. newest {Last}",
                removed.Evicted, _options.MaxTelemetryBytes, removed.FirstEvictedId, removed.LastEvictedId);
        }

        if (removed.Pruned > 0)
        {
            _metrics.CountPruned(removed.Pruned);
            _logger.LogDebug("pruned {Count} forwarded rows (ids kept for dedup)", removed.Pruned);
        }
    }

    /// <summary>Marks of fewer ids than this in a batch wait for company like a settled device's heartbeat.</summary>
    private const int SharedMarkIds = 256;

    /// <summary>Commits after which the checkpoint thread copies the log into the database (at a community's rate, with
    /// 32 commits and 10 s the store wrote 5.7 KB per event, with 128 and 30 s 4.1 KB: bench steady scenario).</summary>
    private const int CheckpointEveryCommits = 128;

    /// <summary>The longest a committed page waits in the log for its copy into the database while commits are rare.</summary>
    private const int CheckpointIntervalMilliseconds = 30_000;

    /// <summary>
    /// Copies committed WAL pages into the database file (PASSIVE: never blocks the writer or readers) after every
    /// <see cref="CheckpointEveryCommits"/> commits, or <see cref="CheckpointIntervalMilliseconds"/> after a commit when
    /// they are rare, and at most every 250 ms. A page that many commits change (the index leaf of a device, the table's
    /// last page) is then written into the database once, not after every commit: at a community's rate a checkpoint
    /// every 250 ms wrote about as much as the log itself. With synchronous=FULL the checkpoint fsyncs the WAL before
    /// and the database after copying, so it adds no window of loss; it only moves that work off the commit path.
    /// </summary>
    private void CheckpointLoop()
    {
        using var checkpoint = _checkpointer.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        var checkpointedCommits = Interlocked.Read(ref _commits);
        var checkpointedAt = Environment.TickCount64;
        while (!_stopping)
        {
            _checkpointWake.Wait(TimeSpan.FromSeconds(1));
            if (_stopping)
            {
                return;
            }

            _checkpointWake.Reset();
            var commits = Interlocked.Read(ref _commits);
            var now = Environment.TickCount64;
            if (commits - checkpointedCommits < CheckpointEveryCommits && (commits == checkpointedCommits || now - checkpointedAt < CheckpointIntervalMilliseconds))
            {
                continue;
            }

            try
            {
                checkpoint.ExecuteNonQuery();
            }
            catch (SqliteException exception)
            {
                _logger.LogWarning("wal checkpoint failed: {Error}", exception.Message);
            }

            checkpointedCommits = commits;
            checkpointedAt = now;
            Thread.Sleep(250);
        }
    }

    /// <summary>
    /// Runs the retention prune and the dedup-window expiry now, in the writer's next transaction, on the store's clock;
    /// completes when that transaction committed. The maintenance loop calls it every
    /// <see cref="StoreOptions.MaintenanceIntervalSeconds"/>; tests call it after moving a fake clock.
    /// </summary>
    public async Task MaintainAsync(CancellationToken cancellationToken)
    {
        var request = new MaintenanceRequest();
        Interlocked.Increment(ref _queueDepth);
        await _queue.EnqueueAsync(request, alarm: false, cancellationToken).ConfigureAwait(false);
        await request.Completion.Task.ConfigureAwait(false);
    }

    private async Task MaintenanceLoopAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(_options.MaintenanceIntervalSeconds), _time, _stopMaintenance.Token).ConfigureAwait(false);
                var request = new MaintenanceRequest();
                Interlocked.Increment(ref _queueDepth);
                await _queue.EnqueueAsync(request, alarm: false, _stopMaintenance.Token).ConfigureAwait(false);
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

    /// <summary>Schema upgrade of a store created by an older gateway (no data rewritten).</summary>
    private static void AddColumnIfMissing(SqliteConnection connection, string table, string column, string type)
    {
        using var check = connection.CreateCommand();
        check.CommandText = "SELECT COUNT(*) FROM pragma_table_info($table) WHERE name = $name";
        check.Parameters.AddWithValue("$table", table);
        check.Parameters.AddWithValue("$name", column);
        if ((long)check.ExecuteScalar()! == 0)
        {
            Execute(connection, $"ALTER TABLE {table} ADD COLUMN {column} {type}");
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// The append statement, prepared once on the writer connection and bound by position through SQLitePCL
    /// (Microsoft.Data.Sqlite looks every parameter up by name and builds a reader per execution: ~40% of the
    /// writer's time in the profile). It runs inside the writer's transaction like any other statement.
    /// </summary>
    private sealed class RawInsert : IDisposable
    {
        private readonly SQLitePCL.sqlite3 _db;
        private readonly SQLitePCL.sqlite3_stmt _statement;

        public RawInsert(SqliteConnection connection)
        {
            _db = connection.Handle!;
            // An id in tombstones (pruned after forwarding, or evicted) is still a duplicate: no second delivery.
            var rc = SQLitePCL.raw.sqlite3_prepare_v2(_db,
                "INSERT OR IGNORE INTO events(id, lane, dev, boot, seq, type, ts, rx, payload, skew_ms, digest, fault, conflict_of) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13 WHERE NOT EXISTS (SELECT 1 FROM tombstones WHERE id = ?1)",
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
        public bool Execute(EventRecord r)
        {
            var s = _statement;
            try
            {
                Check(SQLitePCL.raw.sqlite3_bind_text(s, 1, r.Id));
                Check(SQLitePCL.raw.sqlite3_bind_int(s, 2, LaneCodes.Of(r.Lane)));
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

    private abstract class WriteRequest
    {
        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class AppendRequest(EventRecord record, bool shared) : WriteRequest
    {
        public EventRecord Record { get; } = record;

        /// <summary>May wait up to the heartbeat commit window for other events (<see cref="AppendSharedAsync"/>).</summary>
        public bool Shared { get; } = shared;

        public long EnqueuedAtMilliseconds { get; } = Environment.TickCount64;

        public AppendOutcome Outcome { get; set; }

        // RunContinuationsAsynchronously: the writer loop must not run every publisher's PUBACK path inline.
        public TaskCompletionSource<AppendOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Complete() => Completion.TrySetResult(Outcome);

        public override void Fail(Exception exception) => Completion.TrySetException(exception);
    }

    /// <summary>Retention prune and dedup-window expiry, run by the writer like any other write.</summary>
    private sealed class MaintenanceRequest : WriteRequest
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Complete() => Completion.TrySetResult();

        public override void Fail(Exception exception) => Completion.TrySetException(exception);
    }

    private sealed class MarkRequest(IReadOnlyCollection<string> ids, ForwardState state) : WriteRequest
    {
        public IReadOnlyCollection<string> Ids { get; } = ids;

        public long EnqueuedAtMilliseconds { get; } = Environment.TickCount64;

        /// <summary>The ids as a JSON array for <c>json_each</c> (built by the caller, not on the writer thread).</summary>
        public string IdsJson { get; } = System.Text.Json.JsonSerializer.Serialize(ids);

        public ForwardState State { get; } = state;

        public int Changed { get; set; }

        public TaskCompletionSource<int> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Complete() => Completion.TrySetResult(Changed);

        public override void Fail(Exception exception) => Completion.TrySetException(exception);
    }
}
