namespace Eldercare.Edge.Gateway.Ingest;

public enum IngestOutcome
{
    Stored,
    Duplicate,

    /// <summary>Bad input that can never become valid (reason code in <see cref="IngestResult.Reason"/>).</summary>
    Rejected,

    /// <summary>The store could not commit: do not acknowledge, the device will retry.</summary>
    StoreFailed,
}
