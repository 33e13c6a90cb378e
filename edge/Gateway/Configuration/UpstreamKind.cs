namespace Eldercare.Edge.Gateway.Configuration;

/// <summary><c>Gateway:Upstream:Kind</c>: where the forwarder sends stored events (Hosting/UpstreamSetup.cs chooses).</summary>
public enum UpstreamKind
{
    /// <summary><c>POST {Gateway:Forwarder:CloudUrl}/api/v1/events</c> (the default).</summary>
    Http,

    /// <summary>QoS 1 publishes to the platform's MQTT broker (<see cref="MqttUpstreamOptions"/>).</summary>
    Mqtt,
}
