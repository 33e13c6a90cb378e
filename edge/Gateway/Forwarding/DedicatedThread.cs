using System.Collections.Concurrent;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// Runs an async loop on a thread of its own: a synchronization context that brings every continuation of the loop
/// back to that thread (woken directly by whoever completes the awaited task, never through the thread pool's queue).
/// The loop's own awaits must capture the context (<c>ConfigureAwait(true)</c>).
/// </summary>
internal sealed class DedicatedThread : SynchronizationContext
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _work = [];

    private DedicatedThread()
    {
    }

    /// <summary>Starts <paramref name="loop"/> on a new background thread; the task completes when the loop has.</summary>
    /// <param name="onStart">Runs first on the thread (its priority); returns nothing.</param>
    public static Task Run(string name, Action onStart, Func<Task> loop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            var context = new DedicatedThread();
            SetSynchronizationContext(context);
            try
            {
                onStart();
                var running = loop();
                running.ContinueWith(static (_, work) => ((BlockingCollection<(SendOrPostCallback, object?)>)work!).CompleteAdding(), context._work, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                foreach (var (callback, state) in context._work.GetConsumingEnumerable())
                {
                    callback(state);
                }

                running.GetAwaiter().GetResult();
                done.TrySetResult();
            }
            catch (Exception exception)
            {
                done.TrySetException(exception);
            }
            finally
            {
                context._work.Dispose();
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    public override void Post(SendOrPostCallback d, object? state)
    {
        // After the loop ended nothing of it is left to run.
        try
        {
            _work.Add((d, state));
        }
        catch (InvalidOperationException)
        {
            // Completed for adding, or disposed (ObjectDisposedException is one).
        }
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("a forward stream's thread runs its own loop; nothing waits for it synchronously");

    public override SynchronizationContext CreateCopy() => this;
}
