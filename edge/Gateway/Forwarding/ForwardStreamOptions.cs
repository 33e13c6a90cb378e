namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// How one <see cref="ForwardStream"/> runs. The forwarder derives them from the lane (<see cref="Store.Lane.Urgent"/>):
/// an alarm stream runs on a thread of its own and warms the upstream at start; the other lanes read their next batch
/// while one is in flight. Immutable.
/// </summary>
public sealed record ForwardStreamOptions
{
    /// <summary>Events per POST at most.</summary>
    public required int BatchSize { get; init; }

    /// <summary>
    /// Runs the stream's loop on a dedicated thread (its continuations come back to it, and its waits block it): in a
    /// reconnect storm the thread pool's queue holds ~1,000 items, and an alarm's every step would wait behind them.
    /// </summary>
    public bool DedicatedThread { get; init; }

    /// <summary>Linux nice value of the dedicated thread; 0 leaves it.</summary>
    public int ThreadNice { get; init; }

    /// <summary>
    /// Reads the next batch while one is in flight, so the upstream, not the store's reads, sets the pace of a drain.
    /// </summary>
    public bool Prefetch { get; init; }

    /// <summary>Readies the upstream path before the first send (<see cref="IUpstream.WarmAsync"/>).</summary>
    public bool WarmUpstream { get; init; }

    /// <summary>Safety net only: commits wake a stream through its queue's signal.</summary>
    public TimeSpan IdlePoll { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The pause after a bug in the loop (outages are retried with back-off inside it).</summary>
    public required TimeSpan ErrorPause { get; init; }
}
