using Eldercare.Edge.Gateway.Store;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// Where stored events go (the platform: <see cref="HttpUpstream"/>, or an IoT platform's broker: <see cref="MqttUpstream"/>;
/// chosen in Hosting/UpstreamSetup.cs). One async interface:
/// an implementation may complete synchronously when that is faster for its caller (<see cref="HttpUpstream"/> does
/// synchronous I/O when called on a forward stream's own thread).
/// </summary>
public interface IUpstream
{
    /// <summary>
    /// Posts one batch. Throws on anything that means "retry the whole batch later" (status, timeout, broken link);
    /// the answer may take part of the batch (<see cref="UpstreamAnswer"/>), and the ids in neither list go again.
    /// </summary>
    Task<UpstreamAnswer> SendAsync(IReadOnlyList<EventRecord> batch, CancellationToken cancellationToken);

    /// <summary>
    /// Readies the path <see cref="SendAsync"/> takes (connection, code) without sending an event, so that the first
    /// alarm after a start does not pay for it. Never throws; nothing happens by default.
    /// </summary>
    Task WarmAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
