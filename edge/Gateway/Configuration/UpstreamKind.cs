namespace Eldercare.Edge.Gateway.Configuration;

/// <summary><c>Gateway:Upstream:Kind</c>: where the forwarder sends stored events (Hosting/UpstreamSetup.cs wires each).</summary>
public enum UpstreamKind
{
    /// <summary>The default: <c>POST {Gateway:Forwarder:CloudUrl}/api/v1/events</c> and the acknowledgements' long poll.</summary>
    Http,

    /// <summary>A NATS JetStream cluster (<see cref="JetStreamUpstreamOptions"/>).</summary>
    JetStream,
}
