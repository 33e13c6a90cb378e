namespace Eldercare.Edge.Gateway.Store;

/// <summary>What the store did with an appended event. Both outcomes are durable and may be acknowledged.</summary>
public enum AppendOutcome
{
    /// <summary>New id: written and committed (fsync) before this result was returned.</summary>
    Stored,

    /// <summary>The id was already stored (a device resend): nothing written, acknowledge anyway.</summary>
    Duplicate,
}
