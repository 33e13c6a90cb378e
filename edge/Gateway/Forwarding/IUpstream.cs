using Eldercare.Edge.Gateway.Store;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>Where stored events go. Throws on anything that means "retry the whole batch later" (status, timeout, broken link).</summary>
public interface IUpstream
{
    Task<UpstreamAnswer> SendAsync(IReadOnlyList<EventRecord> batch, CancellationToken cancellationToken);
}
