namespace Eldercare.Edge.Gateway.Ingest;

/// <summary>Outcome of one uplink publish; the broker adapters turn it into a PUBACK (or not).</summary>
public readonly record struct IngestResult(IngestOutcome Outcome, string? EventId, string? Reason, string? Detail)
{
    /// <summary>Durable (stored now or before): the device may delete it from its outbox.</summary>
    public bool IsDurable => Outcome is IngestOutcome.Stored or IngestOutcome.Duplicate;
}
