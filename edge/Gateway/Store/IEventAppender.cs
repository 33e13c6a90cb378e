namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// Ingest's side of the store (and of any part of the gateway that makes events of its own, e.g. a future "device
/// offline" alarm): an append completes only when the event is durable (fsync), so its caller may acknowledge the
/// device as soon as it returns (DESIGN.md invariant 2). Every outcome is durable and may be acknowledged.
/// </summary>
public interface IEventAppender
{
    /// <summary>Durably stores the event, or reports it as a duplicate (or conflict) of an id already stored.</summary>
    Task<AppendOutcome> AppendAsync(EventRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="AppendAsync"/> for an event that may wait up to the store's commit window for other events to share
    /// its commit (a settled device's heartbeat): as durable as <see cref="AppendAsync"/> when it completes. Events of
    /// an urgent lane (<see cref="Lane.Urgent"/>) never wait.
    /// </summary>
    Task<AppendOutcome> AppendSharedAsync(EventRecord record, CancellationToken cancellationToken);
}
