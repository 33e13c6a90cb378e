using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// The store writer's input: two lock-free FIFO queues (alarms, everything else), each bounded by the same
/// capacity. A producer over the bound waits until the writer has taken a batch (backpressure, never a drop).
/// Replaces a bounded <see cref="Channel{T}"/>: its lock, taken by every producer and by every item the writer
/// read, was the most contended monitor in the profile with 1,000 publishing connections.
/// The writer is single: <see cref="TryDequeueAlarm"/> / <see cref="TryDequeueOther"/> from one thread only.
/// </summary>
internal sealed class WriteQueue<T>
{
    private readonly ConcurrentQueue<T> _alarms = new();
    private readonly ConcurrentQueue<T> _other = new();
    private readonly int _capacity;
    private readonly Action<T, bool> _onEnqueued;
    private readonly object _roomLock = new();
    private TaskCompletionSource? _room;
    private int _alarmCount;
    private int _otherCount;
    private volatile bool _closed;

    /// <param name="onEnqueued">Called after every enqueue with the item and whether it is an alarm (wakes the writer).</param>
    public WriteQueue(int capacity, Action<T, bool> onEnqueued)
    {
        _capacity = capacity;
        _onEnqueued = onEnqueued;
    }

    public bool IsClosed => _closed;

    /// <summary>Non-alarm items queued (read by producers deciding whether to wake the writer).</summary>
    public int OtherCount => Volatile.Read(ref _otherCount);

    /// <summary>An alarm is waiting (read by the writer thread before work that would delay it).</summary>
    public bool HasAlarms => Volatile.Read(ref _alarmCount) > 0;

    public ValueTask EnqueueAsync(T item, bool alarm, CancellationToken cancellationToken)
    {
        if (TryEnqueue(item, alarm))
        {
            return ValueTask.CompletedTask;
        }

        return WaitAndEnqueueAsync(item, alarm, cancellationToken);
    }

    public bool TryDequeueAlarm(out T item)
    {
        if (_alarms.TryDequeue(out item!))
        {
            Interlocked.Decrement(ref _alarmCount);
            return true;
        }

        return false;
    }

    /// <summary>Takes the next non-alarm item only when <paramref name="accept"/> says so (FIFO kept: a refused item stays first).</summary>
    public bool TryDequeueOtherIf(Func<T, bool> accept, out T item)
    {
        if (_other.TryPeek(out item!) && accept(item))
        {
            return TryDequeueOther(out item);
        }

        item = default!;
        return false;
    }

    public bool TryDequeueOther(out T item)
    {
        if (_other.TryDequeue(out item!))
        {
            Interlocked.Decrement(ref _otherCount);
            return true;
        }

        return false;
    }

    /// <summary>The writer took items: producers waiting for room try again.</summary>
    public void SignalRoom()
    {
        if (Volatile.Read(ref _room) is null)
        {
            return;
        }

        TaskCompletionSource? room;
        lock (_roomLock)
        {
            room = _room;
            _room = null;
        }

        room?.TrySetResult();
    }

    /// <summary>No more enqueues (waiting producers fail with <see cref="ChannelClosedException"/>); queued items stay for the writer.</summary>
    public void Close()
    {
        _closed = true;
        TaskCompletionSource? room;
        lock (_roomLock)
        {
            room = _room;
            _room = null;
        }

        room?.TrySetResult();
    }

    private bool TryEnqueue(T item, bool alarm)
    {
        if (_closed)
        {
            throw new ChannelClosedException();
        }

        ref var count = ref alarm ? ref _alarmCount : ref _otherCount;
        if (Interlocked.Increment(ref count) > _capacity)
        {
            Interlocked.Decrement(ref count);
            return false;
        }

        (alarm ? _alarms : _other).Enqueue(item);
        _onEnqueued(item, alarm);
        return true;
    }

    private async ValueTask WaitAndEnqueueAsync(T item, bool alarm, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task room;
            lock (_roomLock)
            {
                // Taken before the retry: room freed between the retry and the await completes this task.
                _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                room = _room.Task;
            }

            if (TryEnqueue(item, alarm))
            {
                return;
            }

            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
