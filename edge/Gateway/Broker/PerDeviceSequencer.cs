namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// Runs one device's work items one after another, in the order they were started, while different devices run at
/// once. The external-broker mode needs it: mosquitto (<c>max_inflight_messages 0</c>) can hand the gateway a whole
/// backlog at once, and ingests that overlap for one device could reach the store in another order (a telemetry
/// event waiting for a bulk slot overtaken by the device's next one, or two waiters resumed on two threads), which
/// would break "order per device within a lane". The embedded broker does not need it: a connection's publishes are
/// handled one at a time.
/// </summary>
public sealed class PerDeviceSequencer<T>
{
    private readonly Dictionary<string, Task<T>> _tails = new(StringComparer.Ordinal);

    /// <summary>Devices with work started and not finished (for tests and metrics).</summary>
    public int ActiveDevices
    {
        get
        {
            lock (_tails)
            {
                return _tails.Count;
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="work"/> for <paramref name="deviceId"/> now if the device has nothing running, or after
    /// the device's previous item completes (whatever its outcome). The returned task is that item's result.
    /// </summary>
    public Task<T> Run(string deviceId, Func<Task<T>> work)
    {
        lock (_tails)
        {
            var task = _tails.TryGetValue(deviceId, out var previous) ? AfterAsync(previous, work) : Start(work);
            _tails[deviceId] = task;
            _ = task.ContinueWith(
                done =>
                {
                    lock (_tails)
                    {
                        if (_tails.TryGetValue(deviceId, out var current) && current == done)
                        {
                            _tails.Remove(deviceId);
                        }
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return task;
        }
    }

    private static Task<T> Start(Func<Task<T>> work)
    {
        try
        {
            return work();
        }
        catch (Exception exception)
        {
            return Task.FromException<T>(exception);
        }
    }

    private static async Task<T> AfterAsync(Task previous, Func<Task<T>> work)
    {
        try
        {
            await previous.ConfigureAwait(false);
        }
        catch
        {
            // The previous item's failure is reported through its own task; this one runs regardless.
        }

        return await work().ConfigureAwait(false);
    }
}
