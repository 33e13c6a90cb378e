namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>The upstream did not take the batch; the forwarder retries it with backoff.</summary>
public sealed class UpstreamException(string message) : Exception(message);
