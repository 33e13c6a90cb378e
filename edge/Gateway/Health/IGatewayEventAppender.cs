using Eldercare.Edge.Gateway.Store;

namespace Eldercare.Edge.Gateway.Health;

/// <summary>
/// The one thing device health needs of the store: a durable append of the gateway's own events, the same call and
/// the same exactly-once path (dedup by id, forwarder, platform) as a device's events. A seam of its own so that device
/// health depends on nothing else of the store.
/// </summary>
public interface IGatewayEventAppender
{
    /// <summary>Completes when the event is durable (or was already stored under its id).</summary>
    Task<AppendOutcome> AppendAsync(EventRecord record, CancellationToken cancellationToken);
}
