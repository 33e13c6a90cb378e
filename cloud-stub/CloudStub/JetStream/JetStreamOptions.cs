namespace Eldercare.CloudStub.JetStream;

/// <summary>
/// Configuration section <c>CloudStub:JetStream</c>: with a <see cref="Url"/> the stub also takes events from the NATS
/// JetStream cluster (a durable pull consumer per lane that stores, then acknowledges) and publishes each gateway's feed
/// there (cloud-stub/README.md "JetStream mode"). The HTTP API stays as it is.
/// </summary>
public sealed class JetStreamOptions
{
    /// <summary>Seed servers, comma separated; empty = JetStream mode off.</summary>
    public string? Url { get; init; }

    /// <summary>Replicas of the events and feed streams the stub creates (3 in the cluster; 1 on a single server).</summary>
    public int Replicas { get; init; } = 3;

    /// <summary>The streams' duplicate window: a resend of an id within it is dropped by the stream (answered as a duplicate).</summary>
    public int DuplicateWindowSeconds { get; init; } = 120;

    /// <summary>Messages stored in one transaction at most.</summary>
    public int MaxBatch { get; init; } = 500;

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    public IEnumerable<string> Validate()
    {
        if (!Enabled)
        {
            yield break;
        }

        foreach (var server in Url!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("nats" or "tls") || uri.Port <= 0)
            {
                yield return $"CloudStub:JetStream:Url '{server}' is not a nats://host:port URL";
            }
        }

        if (Replicas is < 1 or > 5)
        {
            yield return $"CloudStub:JetStream:Replicas must be 1..5, got {Replicas}";
        }

        if (DuplicateWindowSeconds < 1)
        {
            yield return "CloudStub:JetStream:DuplicateWindowSeconds must be >= 1";
        }

        if (MaxBatch is < 1 or > 1000)
        {
            yield return $"CloudStub:JetStream:MaxBatch must be 1..1000, got {MaxBatch}";
        }
    }
}
