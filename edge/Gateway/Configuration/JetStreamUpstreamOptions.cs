using Eldercare.Edge.Gateway.Forwarding;

namespace Eldercare.Edge.Gateway.Configuration;

/// <summary>
/// Configuration section <c>Gateway:Upstream:JetStream</c> (with <c>Gateway:Upstream:Kind=JetStream</c>): the city's
/// NATS JetStream cluster. Events go to the stream <see cref="JetStreamSubjects.EventsStream"/> with the event id as
/// <c>Nats-Msg-Id</c>; the platform's feed comes back on <see cref="JetStreamSubjects.Downlinks"/> for this gateway
/// (docs/wire-format.md "Upstream JetStream"). The streams are the platform's: the gateway creates only its own durable
/// consumer of the feed.
/// </summary>
public sealed class JetStreamUpstreamOptions
{
    /// <summary>Seed servers, comma separated (<c>nats://host:4222</c>, <c>tls://</c> for TLS); the client learns the rest of the cluster.</summary>
    public string Url { get; init; } = "nats://127.0.0.1:4222";

    /// <summary>User and password at the cluster, when it asks for them (never logged).</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>PEM file of the CA that signed the cluster's certificates (a private CA); the system's CAs otherwise.</summary>
    public string? TrustedCaPath { get; init; }

    /// <summary>How long a batch waits for the cluster's publish acknowledgements before the rest is retried.</summary>
    public int AckTimeoutMilliseconds { get; init; } = 5_000;

    /// <summary>The seed URLs one by one.</summary>
    public IReadOnlyList<string> Servers => Url.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IEnumerable<string> Validate(string gatewayId)
    {
        if (Servers.Count == 0)
        {
            yield return "Gateway:Upstream:JetStream:Url is required (comma-separated nats://host:port seed servers)";
        }

        foreach (var server in Servers)
        {
            if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("nats" or "tls") || uri.Port <= 0)
            {
                yield return $"Gateway:Upstream:JetStream:Url '{server}' is not a nats://host:port or tls://host:port URL";
            }
        }

        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
        {
            yield return "Gateway:Upstream:JetStream:Username and Password go together (set both or neither)";
        }

        if (!string.IsNullOrWhiteSpace(TrustedCaPath) && !File.Exists(TrustedCaPath))
        {
            yield return $"Gateway:Upstream:JetStream:TrustedCaPath '{TrustedCaPath}' does not exist";
        }

        if (AckTimeoutMilliseconds is < 100 or > 60_000)
        {
            yield return $"Gateway:Upstream:JetStream:AckTimeoutMilliseconds must be 100..60000, got {AckTimeoutMilliseconds}";
        }

        if (!JetStreamSubjects.IsToken(gatewayId))
        {
            yield return $"Gateway:Forwarder:GatewayId '{gatewayId}' cannot be a NATS subject token (no '.', '*', '>' or spaces)";
        }
    }
}
