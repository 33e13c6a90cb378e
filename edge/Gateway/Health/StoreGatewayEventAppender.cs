using Eldercare.Edge.Gateway.Store;

namespace Eldercare.Edge.Gateway.Health;

/// <summary>
/// <see cref="IGatewayEventAppender"/> over the gateway's event store: its plain append (an alarm never waits in the
/// heartbeat commit window, so not the shared one).
/// </summary>
public sealed class StoreGatewayEventAppender : IGatewayEventAppender
{
    private readonly IEventAppender _store;

    public StoreGatewayEventAppender(IEventAppender store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    public Task<AppendOutcome> AppendAsync(EventRecord record, CancellationToken cancellationToken) => _store.AppendAsync(record, cancellationToken);
}
