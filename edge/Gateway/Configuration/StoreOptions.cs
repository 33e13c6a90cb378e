namespace Eldercare.Edge.Gateway.Configuration;

/// <summary>Configuration section <c>Gateway:Store</c>: the durable event store.</summary>
public sealed class StoreOptions
{
    /// <summary>Directory of <c>events.db</c> (SQLite, WAL).</summary>
    public string DataDirectory { get; init; } = "./data";

    /// <summary>Publishers waiting for a commit at most; beyond it publishers wait (backpressure, never a drop).</summary>
    public int QueueCapacity { get; init; } = 20_000;

    /// <summary>Events written in one transaction (one fsync) at most.</summary>
    public int MaxBatchSize { get; init; } = 2_000;

    public string DatabasePath => Path.Combine(DataDirectory, "events.db");

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return "Gateway:Store:DataDirectory is required";
        }

        if (QueueCapacity < 1)
        {
            yield return "Gateway:Store:QueueCapacity must be >= 1";
        }

        if (MaxBatchSize < 1)
        {
            yield return "Gateway:Store:MaxBatchSize must be >= 1";
        }
    }
}
