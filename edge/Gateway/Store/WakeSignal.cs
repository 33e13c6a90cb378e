namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// A sticky auto-reset signal: <see cref="Set"/> before <see cref="WaitAsync"/> is not lost, many sets
/// collapse into one wake-up. Lets the forwarder sleep without polling and wake on the next commit.
/// </summary>
public sealed class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore;

    /// <param name="signalled">Start set: the first wait returns at once (a waiter that arrives after the wake-up it
    /// was meant to see then reads anyway instead of sleeping through it).</param>
    public WakeSignal(bool signalled = false) => _semaphore = new SemaphoreSlim(signalled ? 1 : 0, 1);

    public void Set()
    {
        try
        {
            if (_semaphore.CurrentCount == 0)
            {
                _semaphore.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Another thread set it first: already signalled, which is all Set promises.
        }
    }

    /// <summary>True when it was set (and is now reset), false at the timeout.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);

    /// <summary>Blocking wait for a dedicated thread: woken directly by <see cref="Set"/>, no thread pool hop. True when
    /// it was set (and is now reset), false at the timeout.</summary>
    public bool Wait(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.Wait(timeout, cancellationToken);

    public void Dispose() => _semaphore.Dispose();
}
