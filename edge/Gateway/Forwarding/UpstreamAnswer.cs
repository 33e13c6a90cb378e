namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// The upstream's answer to one batch (docs/wire-format.md, "Upstream HTTP"; "Upstream MQTT": per PUBACK). <see cref="Accepted"/> holds
/// ids stored or duplicate (both done for the gateway); ids in neither list are retried later.
/// </summary>
public sealed record UpstreamAnswer(IReadOnlyList<string> Accepted, IReadOnlyList<UpstreamRejection> Rejected);
