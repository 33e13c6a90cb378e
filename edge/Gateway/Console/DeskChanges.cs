namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// Tells the open pages that the book changed: a version number and one task per version that completes at the next
/// change, so any number of event streams wait without polling and none can take a wake-up from another (unlike an
/// auto-reset signal, which is why the desk never waits on the forward queues' signals).
/// </summary>
public sealed class DeskChanges
{
    private readonly object _lock = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _version;

    public long Version
    {
        get
        {
            lock (_lock)
            {
                return _version;
            }
        }
    }

    public void Changed()
    {
        TaskCompletionSource done;
        lock (_lock)
        {
            _version++;
            done = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        done.TrySetResult();
    }

    /// <summary>Completes when the version is past <paramref name="seen"/> (at once if it already is).</summary>
    public Task WaitPastAsync(long seen)
    {
        lock (_lock)
        {
            return _version > seen ? Task.CompletedTask : _next.Task;
        }
    }
}
