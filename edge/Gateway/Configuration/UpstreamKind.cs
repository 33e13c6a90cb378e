namespace Eldercare.Edge.Gateway.Configuration;

/// <summary><c>Gateway:Upstream:Kind</c>: where the forwarder sends stored events (Hosting/UpstreamSetup.cs wires each).</summary>
public enum UpstreamKind
{
    /// <summary>The default: <c>POST {Gateway:Forwarder:CloudUrl}/api/v1/events</c> and the acknowledgements' long poll.</summary>
    Http,

    /// <summary>QoS 1 publishes to the platform's MQTT broker (<see cref="MqttUpstreamOptions"/>); acknowledgements by the long poll.</summary>
    Mqtt,

    /// <summary>A NATS JetStream cluster (<see cref="JetStreamUpstreamOptions"/>); acknowledgements on the gateway's own subject.</summary>
    JetStream,
}
