using Eldercare.Edge.Gateway.Store;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// The alarm lane's express path. Ingest offers each alarm here just before it hands it to the store
/// (<see cref="OfferThenAppend"/>), and the alarm stream
/// that owns the device posts it at once, while the store commits it; the device's PUBACK still waits for the commit
/// (invariant 2 unchanged). An alarm posted before its commit is safe: if the commit fails the device gets no PUBACK
/// and sends it again, and the platform stores an id once (it answers a repeat as accepted).
/// <para>
/// Order per device holds because a stream is either open (every alarm offered goes through its FIFO queue) or
/// closed (alarms go through the store, in store order, as before). A failed or partly answered express POST closes
/// the stream; it opens again only when every alarm offered while it was closed has been committed and a store read
/// after that found nothing left to send. A stream starts closed, so a backlog from before a restart goes first.
/// </para>
/// </summary>
public sealed class AlarmExpress
{
    /// <summary>Alarms waiting in one stream's queue at most; one more closes the stream (the store has them all).</summary>
    public const int Capacity = 256;

    private readonly StreamState[] _streams;
    private readonly Action<int> _wake;

    /// <param name="streams">The alarm lane's shard count (<see cref="Lane.Shards"/>): one express queue per alarm stream,
    /// a device in the same shard as its alarms' rows in the store (<see cref="ShardRule"/>).</param>
    /// <param name="wake">Wakes the alarm stream with that shard number (the one the store's commits wake too).</param>
    public AlarmExpress(int streams, Action<int> wake)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(streams, 1);
        _streams = Enumerable.Range(0, streams).Select(_ => new StreamState()).ToArray();
        _wake = wake;
    }

    public int Streams => _streams.Length;

    /// <summary>How often a stream went from open to closed (a failed or partial express POST, a full queue).</summary>
    public long Closures => _streams.Sum(s => Interlocked.Read(ref s.Closures));

    /// <summary>
    /// Ingest side: <paramref name="stored"/> completes when the store's append of the same alarm does (at its
    /// commit); ingest calls it through <see cref="OfferThenAppend"/>, which offers before the append starts.
    /// Never blocks and never throws for a full queue: a refused offer closes the stream and the store sends it.
    /// </summary>
    public void Offer(EventRecord record, Task<AppendOutcome> stored)
    {
        var shard = ShardRule.Of(record.DeviceId, _streams.Length);
        var stream = _streams[shard];
        bool queued;
        lock (stream)
        {
            queued = stream.Open && stream.Queue.Count < Capacity;
            if (queued)
            {
                stream.Queue.Enqueue(new ExpressItem(record, stored));
                stream.QueuedIds.Add(record.Id);
            }
            else
            {
                stream.CloseLocked();
                stream.AddOwedLocked(stored);
            }
        }

        if (queued)
        {
            try
            {
                _wake(shard);
            }
            catch (ObjectDisposedException)
            {
                // The store is closing (the gateway stops): the alarm is in the store or its commit failed, and
                // either way it is sent after the next start or resent by the device.
            }
        }
    }

    /// <summary>
    /// Offers the alarm, then starts its append (<paramref name="append"/>), and returns the append. In this order
    /// the store cannot commit the alarm, and the alarm lane read it as a row nobody offered and post it, before the
    /// express path knows it (offered after the append, a full test run saw one alarm posted twice that way).
    /// </summary>
    public Task<AppendOutcome> OfferThenAppend(EventRecord record, Func<Task<AppendOutcome>> append)
    {
        var committed = new TaskCompletionSource<AppendOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        Offer(record, committed.Task);
        Task<AppendOutcome> task;
        try
        {
            task = append();
        }
        catch (Exception exception)
        {
            committed.TrySetException(exception);
            throw;
        }

        task.ContinueWith(
            static (done, state) => ((TaskCompletionSource<AppendOutcome>)state!).TrySetFromTask(done),
            committed,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return task;
    }

    /// <summary>Lane side: up to <paramref name="max"/> queued alarms, oldest first (empty while closed).</summary>
    internal List<ExpressItem> Take(int shard, int max)
    {
        var stream = _streams[shard];
        var items = new List<ExpressItem>();
        lock (stream)
        {
            while (stream.Open && items.Count < max && stream.Queue.TryDequeue(out var item))
            {
                stream.QueuedIds.Remove(item.Record.Id);
                items.Add(item);
            }
        }

        return items;
    }

    internal bool HasQueued(int shard)
    {
        var stream = _streams[shard];
        lock (stream)
        {
            return stream.Queue.Count > 0;
        }
    }

    /// <summary>True while the alarm is in the stream's queue (the express path will post it; the store path must not).</summary>
    internal bool IsQueued(int shard, string id)
    {
        var stream = _streams[shard];
        lock (stream)
        {
            return stream.QueuedIds.Contains(id);
        }
    }

    internal bool IsOpen(int shard)
    {
        var stream = _streams[shard];
        lock (stream)
        {
            return stream.Open;
        }
    }

    /// <summary>
    /// An express POST failed or left <paramref name="unsent"/> unanswered: the stream closes, and those and every
    /// alarm still queued go through the store (they are in it, or their commit is on its way).
    /// </summary>
    internal void Close(int shard, IEnumerable<ExpressItem> unsent)
    {
        var stream = _streams[shard];
        lock (stream)
        {
            stream.CloseLocked();
            foreach (var item in unsent)
            {
                stream.AddOwedLocked(item.Stored);
            }
        }
    }

    /// <summary>
    /// Before a store pass of a closed stream: the generation to hand to <see cref="TryReopen"/> after the pass, or
    /// null when some alarm offered while closed is not committed yet (then the pass cannot prove it was sent).
    /// </summary>
    internal long? ReopenTicket(int shard)
    {
        var stream = _streams[shard];
        lock (stream)
        {
            if (stream.Open)
            {
                return null;
            }

            stream.Owed.RemoveAll(t => t.IsCompleted);
            return stream.Owed.Count == 0 ? stream.Generation : null;
        }
    }

    /// <summary>After a store pass that found nothing left to send: opens the stream unless an alarm was offered to
    /// the closed stream (or it was closed again) since <paramref name="ticket"/> was taken.</summary>
    internal bool TryReopen(int shard, long ticket)
    {
        var stream = _streams[shard];
        lock (stream)
        {
            if (stream.Open || stream.Generation != ticket)
            {
                return false;
            }

            stream.Open = true;
            return true;
        }
    }

    internal sealed record ExpressItem(EventRecord Record, Task<AppendOutcome> Stored);

    private sealed class StreamState
    {
        public bool Open { get; set; }

        public long Generation { get; private set; }

        public Queue<ExpressItem> Queue { get; } = new();

        public HashSet<string> QueuedIds { get; } = new(StringComparer.Ordinal);

        /// <summary>Commits of alarms offered while closed (or dropped from the queue by a close): the store sends them.</summary>
        public List<Task> Owed { get; } = [];

        public long Closures;

        public void CloseLocked()
        {
            if (Open)
            {
                Interlocked.Increment(ref Closures);
            }

            Open = false;
            Generation++;
            foreach (var item in Queue)
            {
                Owed.Add(item.Stored);
            }

            Queue.Clear();
            QueuedIds.Clear();
        }

        public void AddOwedLocked(Task stored)
        {
            if (Owed.Count >= 1024)
            {
                Owed.RemoveAll(t => t.IsCompleted);
            }

            Owed.Add(stored);
            Generation++;
        }
    }
}
