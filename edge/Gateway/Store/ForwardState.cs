namespace Eldercare.Edge.Gateway.Store;

/// <summary>Upstream state of a stored event (column <c>forwarded</c>).</summary>
public enum ForwardState
{
    Pending = 0,

    /// <summary>The upstream answered stored or duplicate: done.</summary>
    Forwarded = 1,

    /// <summary>The upstream rejected it for good (it will never accept it); kept for the operator, not resent.</summary>
    RejectedUpstream = 2,
}
