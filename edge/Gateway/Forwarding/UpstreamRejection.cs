namespace Eldercare.Edge.Gateway.Forwarding;

public sealed record UpstreamRejection(string Id, string Reason);
