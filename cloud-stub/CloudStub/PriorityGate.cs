namespace Eldercare.CloudStub;

/// <summary>
/// An async mutual-exclusion gate with two classes of waiters: when it is released, a waiting urgent request (an
/// alarm batch) gets it before any waiting bulk one, whatever their arrival order; FIFO within a class.
/// (A <see cref="SemaphoreSlim"/> is FIFO for all: an alarm queued behind three uploads waited for a chunk of each.)
/// </summary>
public sealed class PriorityGate
{
    private readonly object _sync = new();
    private readonly Queue<TaskCompletionSource> _urgent = new();
    private readonly Queue<TaskCompletionSource> _bulk = new();
    private bool _held;

    /// <summary>Urgent requests waiting now (a bulk holder checks it to let them in between two chunks).</summary>
    public int UrgentWaiting
    {
        get
        {
            lock (_sync)
            {
                return _urgent.Count;
            }
        }
    }

    public Task EnterAsync(bool urgent)
    {
        lock (_sync)
        {
            if (!_held)
            {
                _held = true;
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (urgent ? _urgent : _bulk).Enqueue(waiter);
            return waiter.Task;
        }
    }

    /// <summary>Hands the gate to the next waiter (urgent first) or opens it.</summary>
    public void Exit()
    {
        TaskCompletionSource? next;
        lock (_sync)
        {
            if (!_held)
            {
                throw new InvalidOperationException("the gate is not held");
            }

            if (!_urgent.TryDequeue(out next) && !_bulk.TryDequeue(out next))
            {
                _held = false;
                return;
            }
        }

        next.SetResult();
    }
}
