using Eldercare.Edge.Gateway.Configuration;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// The telemetry commit window (<see cref="StoreOptions.HeartbeatCommitWindowMilliseconds"/>): a batch of settled
/// heartbeats (<see cref="AppendRequest.Shared"/>) and small forward marks waits up to the window from its oldest request
/// for company, so a community's events share one fsynced commit. While it waits the writer sleeps to the deadline:
/// a request that would only join the window wakes nobody (a wake per heartbeat was, at 85 events/s, a futex call on
/// the connection's thread and a writer context switch per event, bench/README.md); an alarm, an unshared append,
/// a large mark, a full batch's worth of queued requests and stopping wake it at once, as before.
/// Used by the writer thread only (<see cref="Fill"/>); <see cref="WakesWriter"/> by every producer.
/// </summary>
internal sealed class CommitWindow
{
    /// <summary>Marks of fewer ids than this in a batch wait for company like a settled device's heartbeat.</summary>
    public const int SharedMarkIds = 256;

    private readonly int _windowMilliseconds;
    private readonly int _maxBatchSize;
    private readonly int _capacity;
    private readonly WriteQueue<WriteRequest> _queue;
    private readonly ManualResetEventSlim _work;
    private readonly Func<long> _now;
    private int _open;
    private int _wakeAt;

    /// <param name="work">The writer's wake signal (set by producers through <see cref="WakesWriter"/>).</param>
    /// <param name="now">Milliseconds of the clock the requests' <c>EnqueuedAtMilliseconds</c> come from.</param>
    public CommitWindow(StoreOptions options, WriteQueue<WriteRequest> queue, ManualResetEventSlim work, Func<long> now)
    {
        _windowMilliseconds = options.HeartbeatCommitWindowMilliseconds;
        _maxBatchSize = options.MaxBatchSize;
        _capacity = options.QueueCapacity;
        _queue = queue;
        _work = work;
        _now = now;
    }

    /// <summary>The writer sleeps in an open window (read by the tests to know when it waits).</summary>
    internal bool IsOpen => Volatile.Read(ref _open) == 1;

    /// <summary>Whether a request just queued must wake the writer (always, unless it would only join an open window).</summary>
    public bool WakesWriter(WriteRequest request, bool urgent)
    {
        if (urgent || Volatile.Read(ref _open) == 0 || !JoinsWindow(request))
        {
            return true;
        }

        return _queue.OtherCount >= Volatile.Read(ref _wakeAt);
    }

    /// <summary>
    /// Adds to <paramref name="batch"/> (no alarm in it) what arrives within the window, when every request in it may
    /// wait: returns at the window's end, when the batch is full, or at once for a request that must not wait.
    /// </summary>
    public void Fill(List<WriteRequest> batch, Func<bool> stopping)
    {
        if (_windowMilliseconds == 0)
        {
            return;
        }

        var oldest = long.MaxValue;
        var markedIds = 0;
        foreach (var request in batch)
        {
            if (!JoinsWindow(request) || (request is MarkRequest mark && (markedIds += mark.Ids.Count) >= SharedMarkIds))
            {
                return;
            }

            oldest = Math.Min(oldest, request.EnqueuedAtMilliseconds);
        }

        if (oldest == long.MaxValue)
        {
            return;
        }

        var deadline = oldest + _windowMilliseconds;
        while (true)
        {
            _work.Reset();
            if (Take(batch, ref markedIds) || batch.Count >= _maxBatchSize || stopping())
            {
                return;
            }

            var remaining = deadline - _now();
            if (remaining <= 0)
            {
                return;
            }

            // Requests that only join the window wake the writer once the queue holds the rest of a full batch (or
            // its capacity, where producers would wait for room).
            Volatile.Write(ref _wakeAt, Math.Min(_capacity, _maxBatchSize - batch.Count));
            Volatile.Write(ref _open, 1);
            _work.Wait(TimeSpan.FromMilliseconds(remaining));
            // A full fence before the next look at the queue: a producer that saw the window open has queued its
            // request before it looked, so the look below finds it (or the writer's next batch does).
            Interlocked.Exchange(ref _open, 0);
        }
    }

    private static bool JoinsWindow(WriteRequest request) =>
        request is AppendRequest { Shared: true } || request is MarkRequest { Ids.Count: < SharedMarkIds };

    /// <summary>Takes what is queued into the batch; true when something taken must not wait (the batch commits now).</summary>
    private bool Take(List<WriteRequest> batch, ref int markedIds)
    {
        var stop = false;
        while (batch.Count < _maxBatchSize && _queue.TryDequeueAlarm(out var alarm))
        {
            batch.Add(alarm);
            stop = true;
        }

        while (batch.Count < _maxBatchSize && _queue.TryDequeueOther(out var other))
        {
            batch.Add(other);
            stop |= !JoinsWindow(other) || (other is MarkRequest mark && (markedIds += mark.Ids.Count) >= SharedMarkIds);
        }

        _queue.SignalRoom();
        return stop;
    }
}
