namespace Eldercare.Edge.Gateway.Store;

/// <summary>The store's gauges for <c>/health</c> and <c>/metrics</c>.</summary>
public interface IStoreStatus
{
    /// <summary>Events stored but not yet forwarded (or rejected upstream).</summary>
    long PendingCount { get; }

    /// <summary>Writes waiting for their commit (the group-commit queue).</summary>
    int QueueDepth { get; }
}
