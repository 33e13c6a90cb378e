namespace Eldercare.Edge.Gateway.Configuration;

/// <summary>The embedded broker's MQTT server (<c>Gateway:Mqtt:Engine</c>).</summary>
public enum BrokerEngine
{
    /// <summary>The gateway's device listener (<c>Broker/DeviceBroker</c>) on MQTTnet's packet formatter.</summary>
    Lean,

    /// <summary>MQTTnet's <c>MqttServer</c> (<c>Broker/EmbeddedBroker</c>).</summary>
    MqttNetServer,
}
