namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// The store's contract in memory: the second implementation the contract tests run against (STYLE.md habit 7, as
/// edgeHub's in-memory and on-disk stores), and a store for forwarder and ingest tests that need no disk. Nothing
/// survives the process, so an append is "durable" only in the sense the contract can check; no housekeeping
/// (retention and quota are the SQLite store's, tested there). <see cref="Reopen"/> gives a store over the same
/// events, as a restart would, with fresh signals.
/// </summary>
public sealed class InMemoryEventStore : IEventAppender, IForwardQueues, ISequenceMarkSource, IStoreStatus
{
    private readonly Log _log;
    private readonly Dictionary<(int Code, int Shard), Queue> _queues = [];

    public InMemoryEventStore(LaneSet lanes)
        : this(new Log(lanes))
    {
    }

    private InMemoryEventStore(Log log)
    {
        _log = log;
        foreach (var lane in log.Lanes.InPriorityOrder)
        {
            for (var shard = 0; shard < lane.Shards; shard++)
            {
                _queues[(lane.Code, shard)] = new Queue(lane, shard, log);
            }
        }
    }

    public LaneSet Lanes => _log.Lanes;

    public long PendingCount
    {
        get
        {
            lock (_log)
            {
                return _log.Pending.Values.Sum(p => p.Count);
            }
        }
    }

    public int QueueDepth => 0;

    /// <summary>A store over the same events, as after a restart: new signals, same rows.</summary>
    public InMemoryEventStore Reopen() => new(_log);

    public Task<AppendOutcome> AppendAsync(EventRecord record, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var lane = Lanes[record.Lane];
        var shard = lane.ShardOf(record.DeviceId);
        AppendOutcome outcome;
        lock (_log)
        {
            outcome = _log.Add(record, lane, shard);
        }

        if (outcome is AppendOutcome.Stored or AppendOutcome.Conflict)
        {
            _queues[(lane.Code, shard)].NewEvents.Set();
        }

        return Task.FromResult(outcome);
    }

    public Task<AppendOutcome> AppendSharedAsync(EventRecord record, CancellationToken cancellationToken) => AppendAsync(record, cancellationToken);

    public IForwardQueue Get(Lane lane, int shard)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, lane.Shards);
        return _queues[(Lanes[lane.Name].Code, shard)];
    }

    public IReadOnlyList<SequenceMark> ReadSequenceMarks(int recentRows)
    {
        lock (_log)
        {
            var rows = _log.Pending.Values.SelectMany(p => p.Values)
                .Concat(_log.All.Skip(Math.Max(0, _log.All.Count - recentRows)))
                .Where(r => r.ConflictOf is null);
            return rows.GroupBy(r => (r.DeviceId, r.Lane, r.BootEpoch))
                .Select(g => new SequenceMark(g.Key.DeviceId, g.Key.Lane, g.Key.BootEpoch, g.Max(r => r.Sequence)))
                .ToList();
        }
    }

    /// <summary>The rows, shared by a store and the stores <see cref="Reopen"/> makes of it; guarded by its own lock.</summary>
    private sealed class Log(LaneSet lanes)
    {
        public LaneSet Lanes { get; } = lanes;

        /// <summary>Every id ever stored, with its payload digest and where it is while pending.</summary>
        public Dictionary<string, (ulong Digest, int Code, int Shard, long StoreSequence)> Ids { get; } = new(StringComparer.Ordinal);

        public Dictionary<(int Code, int Shard), SortedList<long, EventRecord>> Pending { get; } = [];

        /// <summary>Every stored row in store order (for the sequence marks of recent rows).</summary>
        public List<EventRecord> All { get; } = [];

        private long _lastSequence;

        public AppendOutcome Add(EventRecord record, Lane lane, int shard)
        {
            if (Ids.TryGetValue(record.Id, out var stored))
            {
                if (stored.Digest == record.PayloadDigest)
                {
                    return AppendOutcome.Duplicate;
                }

                // The id came before with another payload: kept under its derived id, as the SQLite store does.
                var conflict = record.AsConflict();
                return Ids.ContainsKey(conflict.Id) ? AppendOutcome.ConflictDuplicate : Insert(conflict, lane, shard, AppendOutcome.Conflict);
            }

            return Insert(record, lane, shard, AppendOutcome.Stored);
        }

        public int Mark(IReadOnlyCollection<string> ids)
        {
            var changed = 0;
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
            {
                // Any pending id, as the SQLite store's UPDATE by id: a queue marks its own, nothing checks that.
                if (Ids.TryGetValue(id, out var at) && Pending.TryGetValue((at.Code, at.Shard), out var pending) && pending.Remove(at.StoreSequence))
                {
                    changed++;
                }
            }

            return changed;
        }

        private AppendOutcome Insert(EventRecord record, Lane lane, int shard, AppendOutcome outcome)
        {
            var row = record with { StoreSequence = ++_lastSequence };
            Ids[row.Id] = (row.PayloadDigest, lane.Code, shard, row.StoreSequence);
            if (!Pending.TryGetValue((lane.Code, shard), out var pending))
            {
                Pending[(lane.Code, shard)] = pending = [];
            }

            pending.Add(row.StoreSequence, row);
            All.Add(row);
            return outcome;
        }
    }

    private sealed class Queue(Lane lane, int shard, Log log) : IForwardQueue
    {
        public Lane Lane { get; } = lane;

        public int Shard { get; } = shard;

        public WakeSignal NewEvents { get; } = new(signalled: true);

        public ValueTask<IReadOnlyList<EventRecord>> ReadAfterAsync(long afterStoreSequence, int maxCount, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (log)
            {
                IReadOnlyList<EventRecord> rows = log.Pending.TryGetValue((Lane.Code, Shard), out var pending)
                    ? pending.Values.Where(r => r.StoreSequence > afterStoreSequence).Take(maxCount).ToList()
                    : [];
                return ValueTask.FromResult(rows);
            }
        }

        public Task<int> MarkAsync(IReadOnlyCollection<string> ids, ForwardState state)
        {
            lock (log)
            {
                return Task.FromResult(log.Mark(ids));
            }
        }
    }
}
