using Eldercare.Edge.Gateway.Store;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>Where stored events go. Throws on anything that means "retry the whole batch later" (status, timeout, broken link).</summary>
public interface IUpstream
{
    Task<UpstreamAnswer> SendAsync(IReadOnlyList<EventRecord> batch, CancellationToken cancellationToken);

    /// <summary>
    /// The same, blocking the calling thread: the alarm lane runs on its own thread so that an alarm's request
    /// never waits in the thread pool's queue behind a storm's work. Override with real synchronous I/O.
    /// </summary>
    UpstreamAnswer Send(IReadOnlyList<EventRecord> batch, CancellationToken cancellationToken) =>
        SendAsync(batch, cancellationToken).GetAwaiter().GetResult();

    /// <summary>
    /// Readies the path <see cref="Send"/> takes (connection, code) without sending an event, so that the first
    /// alarm after a start does not pay for it. Never throws; nothing happens by default.
    /// </summary>
    void Warm(CancellationToken cancellationToken)
    {
    }
}
