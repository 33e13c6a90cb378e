namespace Eldercare.Edge.Gateway.Configuration;

/// <summary>Where devices connect: the gateway's own broker, or an external mosquitto the gateway subscribes to.</summary>
public enum BrokerMode
{
    /// <summary>MQTTnet server in-process: the only mode where the device's PUBACK follows the gateway's fsync.</summary>
    Embedded,

    /// <summary>The gateway is a persistent-session client of mosquitto; the broker acknowledges devices itself.</summary>
    External,
}
