namespace Eldercare.Edge.Gateway.Store;

/// <summary>What the store did with an appended event. Every outcome is durable and may be acknowledged.</summary>
public enum AppendOutcome
{
    /// <summary>New id: written and committed (fsync) before this result was returned.</summary>
    Stored,

    /// <summary>The id was already stored (a device resend): nothing written, acknowledge anyway.</summary>
    Duplicate,

    /// <summary>
    /// The id was already stored with another payload (a device fault, not a resend): this payload was written and
    /// committed under its derived id (<see cref="EventRecord.AsConflict"/>), flagged <c>id_conflict</c>. Durable.
    /// </summary>
    Conflict,

    /// <summary>The id was stored with another payload and this payload's derived id too: a resend of the conflicting
    /// copy, nothing written. Durable.</summary>
    ConflictDuplicate,
}
