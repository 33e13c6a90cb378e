using Eldercare.Edge.Gateway.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Store;

// Size (~450 lines): one job, the group commit, whose parts (batch selection, the transaction and what follows the
// commit: wakes, the id batches' chunks) share the batch, the queue and the prepared statements; split further they
// would pass all three around. The commit window (CommitWindow), the WAL bound (WalBound), the statement that appends
// (RawInsert), the marks (MarkWriter), the floors and backlogs (ForwardFloors), the dedup key (IdIndex) and
// housekeeping are already out.
/// <summary>
/// The store's one writer: a dedicated thread that takes what producers queued (<see cref="WriteQueue{T}"/>: urgent
/// lanes first; full = producers wait, never a drop), writes it in one transaction, commits (WAL,
/// <c>synchronous=FULL</c>: the log is fsynced, https://www.sqlite.org/pragma.html#pragma_synchronous), and only then
/// completes each request, adds the rows it stored to their queues' backlogs (<see cref="ForwardFloors"/>; the floors
/// that marks and evictions moved are written in the transaction) and wakes those queues. Store sequences are given here,
/// one after the last ever given. Between commits, never while an alarm is
/// queued, it writes the next chunk of a batch of ids into the dedup key (<see cref="IdIndex"/>), a transaction of its
/// own without fsync (a lost chunk is rebuilt from the rows at open). Quota, retention and the dedup window run
/// in the same transactions (<see cref="StoreHousekeeping"/>), on the store's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class SqliteWriter
{
    /// <summary>Non-urgent requests committed together with urgent ones at most (the rest go in the next batch).</summary>
    private const int AlarmBatchCompanions = 16;

    private readonly StoreOptions _options;
    private readonly ILogger _logger;
    private readonly SqliteConnection _connection;
    private readonly WriteQueue<WriteRequest> _queue;
    private readonly CommitWindow _window;
    private readonly Func<bool> _isStopping;
    // Set by a producer after writing to a queue, unless its request only joins an open commit window
    // (CommitWindow.WakesWriter); the writer thread sleeps on it when both queues are empty or in a window.
    private readonly ManualResetEventSlim _work = new(false);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StoreHousekeeping _housekeeping;
    private readonly StoreMetrics _metrics;
    private readonly StoreCounters _counters;
    private readonly QueueSignals _signals;
    private readonly ForwardFloors _floors;
    private readonly WalBound _wal;
    private readonly TimeProvider _time;
    private readonly Action _committed;
    private readonly SqliteCommand _synchronousNormal;
    private readonly SqliteCommand _synchronousFull;
    private readonly Thread _thread;
    private volatile bool _stopping;

    /// <param name="committed">Called after every commit (the checkpointer looks whether one is due).</param>
    public SqliteWriter(StoreOptions options, StoreHousekeeping housekeeping, SqliteConnection connection, StoreCounters counters, QueueSignals signals, ForwardFloors floors, StoreMetrics metrics, TimeProvider time, ILogger logger, Action committed)
    {
        _floors = floors;
        _options = options;
        _housekeeping = housekeeping;
        _connection = connection;
        _counters = counters;
        _signals = signals;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _committed = committed;
        _wal = new WalBound(options, connection, counters, logger);
        _synchronousNormal = connection.CreateCommand();
        _synchronousNormal.CommandText = "PRAGMA synchronous=NORMAL";
        _synchronousFull = connection.CreateCommand();
        _synchronousFull.CommandText = "PRAGMA synchronous=FULL";
        _metrics.SetTelemetryBytes(_housekeeping.TelemetryBytes);
        _queue = new WriteQueue<WriteRequest>(options.QueueCapacity, (request, urgent) =>
        {
            if (_window!.WakesWriter(request, urgent))
            {
                _work.Set();
            }
        });
        _window = new CommitWindow(options, _queue, _work, static () => Environment.TickCount64);
        _isStopping = () => _stopping;
        // A dedicated thread: the writer blocks in SQLite (statements, fsync) and must neither hold a thread-pool
        // thread (the device connections run there) nor wait for one to be scheduled when work is queued.
        _thread = new Thread(WriterLoop) { IsBackground = true, Name = "store-writer" };
        _thread.Start();
    }

    /// <summary>The writer thread is alive and not stopping (the systemd watchdog's store check).</summary>
    public bool IsRunning => _thread.IsAlive && !_stopping;

    /// <summary>
    /// Queues a request: <paramref name="urgent"/> ones are taken first and commit at once. Completes when queued
    /// (at once while the queue has room; backpressure past its capacity), not at the commit: that is the request's own task.
    /// </summary>
    public ValueTask EnqueueAsync(WriteRequest request, bool urgent, CancellationToken cancellationToken)
    {
        _counters.Queued();
        try
        {
            var enqueued = _queue.EnqueueAsync(request, urgent, cancellationToken);
            return enqueued.IsCompletedSuccessfully ? enqueued : AwaitRoomAsync(enqueued);
        }
        catch
        {
            _counters.Dequeued(1);
            throw;
        }
    }

    /// <summary>Stops taking work, finishes what is queued, and waits for the thread.</summary>
    public async Task StopAsync()
    {
        _queue.Close();
        _stopping = true;
        _work.Set();
        await _done.Task.ConfigureAwait(false);
        _synchronousNormal.Dispose();
        _synchronousFull.Dispose();
        _wal.Dispose();
        _work.Dispose();
    }

    private async ValueTask AwaitRoomAsync(ValueTask enqueued)
    {
        try
        {
            await enqueued.ConfigureAwait(false);
        }
        catch
        {
            _counters.Dequeued(1);
            throw;
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

            Run();
        }
        catch (Exception exception)
        {
            _logger.LogCritical(exception, "store writer stopped");
        }
        finally
        {
            _done.TrySetResult();
        }
    }

    private void Run()
    {
        var batch = new List<WriteRequest>(_options.MaxBatchSize);
        // The forward queues (lane, shard) this commit stored rows for: their signals are set after it.
        var woken = new bool[_signals.Count];
        using var insert = new RawInsert(_connection);
        // The dedup key: an id stored, pruned within the dedup window, or evicted (tombstones) is a duplicate.
        using var ids = new IdIndex(_connection);
        // The store sequence of the last row committed (the writer gives them: never one given before).
        var last = _floors.LastSequence;
        // Rows this transaction stored: each joins its queue's backlog after the commit.
        var storedRows = new List<(int Queue, long Sequence)>();
        var storedEvictable = new List<long>();
        // Marks: the queues' floors, and the column of a row marked out of store order (MarkWriter).
        using var marks = new MarkWriter(_connection, _floors);

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

                // Idle: the next chunk of an id batch, if one is being written, before sleeping.
                if (!WriteIdChunk(ids))
                {
                    _work.Wait();
                }

                continue;
            }

            if (!withAlarms)
            {
                _window.Fill(batch, _isStopping);
            }

            // Forward marks alone need no fsync: lost in a power cut, their events are sent again and the platform
            // answers them as duplicates. The next commit with events fsyncs the log, these frames with it.
            var durable = batch.Exists(static r => r is AppendRequest);
            if (!durable)
            {
                _synchronousNormal.ExecuteNonQuery();
            }

            _counters.Dequeued(batch.Count);
            var stored = 0;
            var markedCount = 0;
            var floorsMoved = false;
            var lastBefore = last;
            storedRows.Clear();
            storedEvictable.Clear();
            marks.MarkedNow.Clear();
            var removed = new HousekeepingResult();
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            try
            {
                using var transaction = _connection.BeginTransaction();
                foreach (var request in batch)
                {
                    Apply(request, transaction);
                }

                // Alarms that arrived while the rows above were written join this commit instead of waiting for
                // it and then for one of their own (an fsync each); not a commit without fsync.
                var joined = 0;
                while (durable && joined < AlarmBatchCompanions && _queue.TryDequeueAlarm(out var late))
                {
                    _counters.Dequeued(1);
                    batch.Add(late);
                    Apply(late, transaction);
                    joined++;
                }

                removed.Add(_housekeeping.EnforceQuota(transaction, now, lastBefore, storedEvictable));
                if (floorsMoved || removed.Evicted > 0)
                {
                    _floors.Write(transaction, lastBefore, last, now);
                }

                transaction.Commit();
            }
            catch (Exception exception)
            {
                if (!durable)
                {
                    _synchronousFull.ExecuteNonQuery();
                }

                // Disk full, I/O error: nobody is acknowledged; publishers close the connection and the
                // device keeps the event in its outbox. The loop goes on with the next batch. The backlogs lost this
                // transaction's marks and evictions already: read back from the table.
                ids.RolledBack();
                last = lastBefore;
                _floors.Rebuild();
                _logger.LogError(exception, "store commit failed for {Count} requests", batch.Count);
                _counters.CommitFailed(exception.Message);
                foreach (var request in batch)
                {
                    request.Fail(exception);
                }

                Array.Clear(woken);
                _housekeeping.Reload();
                continue;
            }

            // One request's statements, inside the batch's transaction; counts what it changed.
            void Apply(WriteRequest request, SqliteTransaction transaction)
            {
                if (request is AppendRequest append)
                {
                    var r = append.Record;
                    if (!ids.Find(r.Id, out var digest))
                    {
                        append.Outcome = Insert(r, append) ? AppendOutcome.Stored : AppendOutcome.Duplicate;
                    }
                    else if (digest is { } stored && unchecked((ulong)stored) != r.PayloadDigest)
                    {
                        // The id came before with another payload: a device fault, not a resend. This payload is kept
                        // under its derived id (a resend of it is a duplicate of that one), flagged, and forwarded.
                        // A row without a digest (written by an older gateway) counts as the same payload.
                        r = r.AsConflict();
                        append.Outcome = !ids.Find(r.Id, out _) && Insert(r, append) ? AppendOutcome.Conflict : AppendOutcome.ConflictDuplicate;
                    }
                    else
                    {
                        append.Outcome = AppendOutcome.Duplicate;
                    }

                    var written = append.Outcome is AppendOutcome.Stored or AppendOutcome.Conflict;
                    if (written)
                    {
                        stored++;
                        woken[append.QueueIndex] = true;
                        var evictable = _housekeeping.Counts(append.LaneCode);
                        storedRows.Add((append.QueueIndex, last));
                        if (evictable)
                        {
                            storedEvictable.Add(last);
                            _housekeeping.TelemetryBytes += System.Text.Encoding.UTF8.GetByteCount(r.Payload);
                        }
                    }
                }
                else if (request is MarkRequest markRequest)
                {
                    var changed = marks.Apply(markRequest, ids, transaction, lastBefore, now);
                    floorsMoved |= changed > 0;
                    markRequest.Changed = changed;
                    markedCount += changed;
                }
                else if (request is MaintenanceRequest)
                {
                    // The ids stored since the last batch go into one now (written in chunks after this commit), so a
                    // store at a community's rate writes its ids once a maintenance interval, sorted.
                    ids.TryStartBatch(force: true, now);
                    removed.Add(_housekeeping.PruneExpired(transaction, now, lastBefore));
                }
            }

            // A new row, known to the dedup key at once (a later append of the same batch is its duplicate).
            bool Insert(EventRecord r, AppendRequest append)
            {
                if (!insert.Execute(r, append.LaneCode, append.Shard, last + 1))
                {
                    return false;
                }

                last++;
                ids.Add(r.Id, last, unchecked((long)r.PayloadDigest));
                return true;
            }

            if (!durable)
            {
                _synchronousFull.ExecuteNonQuery();
            }

            ids.Committed();
            _counters.Committed();
            // The rows stored join their backlogs now that they are committed (visible to every reader).
            foreach (var (queue, sequence) in storedRows)
            {
                if ((removed.Evicted == 0 || !removed.EvictedSequences.Contains(sequence)) && (marks.MarkedNow.Count == 0 || !marks.MarkedNow.Contains(sequence)))
                {
                    _floors[queue].Add(sequence);
                }
            }

            _counters.AddPending(stored - markedCount - removed.Evicted);
            _committed();
            Report(removed);
            // The queues are woken before the requests complete: an append that completed has set its queue's signal
            // (a caller that looks at once saw it unset now and then, in the contract test under load).
            if (stored > 0)
            {
                for (var i = 0; i < woken.Length; i++)
                {
                    if (woken[i])
                    {
                        woken[i] = false;
                        _signals[i].Set();
                    }
                }
            }

            foreach (var request in batch)
            {
                request.Complete();
            }

            if (!ids.Flushing)
            {
                ids.TryStartBatch(force: false, now);
            }

            WriteIdChunk(ids);
            _wal.BoundBetweenCommits(_queue.HasAlarms);
        }
    }

    /// <summary>
    /// Writes the next chunk of the id batch being written, in a transaction of its own without fsync (the rows it
    /// indexes are durable; a lost chunk is rebuilt from them at open), unless an alarm is queued: an alarm's commit
    /// waits for at most one chunk. Also when idle. True when it wrote one.
    /// </summary>
    private bool WriteIdChunk(IdIndex ids)
    {
        if (!ids.Flushing || (_queue.HasAlarms && ids.Backlog < 8 * IdIndex.BatchIds))
        {
            return false;
        }

        _synchronousNormal.ExecuteNonQuery();
        try
        {
            using var transaction = _connection.BeginTransaction();
            ids.WriteChunk();
            transaction.Commit();
            ids.Committed();
            _committed();
            return true;
        }
        catch (SqliteException exception)
        {
            ids.RolledBack();
            _logger.LogError(exception, "writing a chunk of the id batch failed (kept in memory, written again later)");
            return false;
        }
        finally
        {
            _synchronousFull.ExecuteNonQuery();
        }
    }

    /// <summary>Counts and logs what a commit's housekeeping removed.</summary>
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

}
