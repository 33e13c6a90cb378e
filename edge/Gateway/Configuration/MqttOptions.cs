using System.Net;

namespace Eldercare.Edge.Gateway.Configuration;

/// <summary>Configuration section <c>Gateway:Mqtt</c>: the device-facing side.</summary>
public sealed class MqttOptions
{
    public BrokerMode Mode { get; init; } = BrokerMode.Embedded;

    /// <summary>Embedded broker: address to listen on.</summary>
    public string BindAddress { get; init; } = "0.0.0.0";

    /// <summary>Embedded broker: TCP port devices connect to.</summary>
    public int Port { get; init; } = 1883;

    /// <summary>
    /// Embedded broker: downlink messages queued per client before MQTTnet starts dropping the oldest.
    /// MQTTnet's default (1000) overflowed in a burst (DESIGN.md); each drop is counted.
    /// </summary>
    public int MaxPendingMessagesPerClient { get; init; } = 100_000;

    /// <summary>External mode: the broker's host.</summary>
    public string ExternalHost { get; init; } = "127.0.0.1";

    /// <summary>External mode: the broker's port.</summary>
    public int ExternalPort { get; init; } = 1883;

    /// <summary>External mode: fixed client id, so the broker keeps the gateway's persistent session.</summary>
    public string ExternalClientId { get; init; } = "eldercare-gateway";

    public string? ExternalUsername { get; init; }

    public string? ExternalPassword { get; init; }

    public IEnumerable<string> Validate()
    {
        if (Mode == BrokerMode.Embedded)
        {
            if (Port is < 1 or > 65535)
            {
                yield return $"Gateway:Mqtt:Port must be 1..65535, got {Port}";
            }

            if (!IPAddress.TryParse(BindAddress, out _))
            {
                yield return $"Gateway:Mqtt:BindAddress '{BindAddress}' is not an IP address";
            }

            if (MaxPendingMessagesPerClient < 1)
            {
                yield return "Gateway:Mqtt:MaxPendingMessagesPerClient must be >= 1";
            }
        }
        else
        {
            if (ExternalPort is < 1 or > 65535)
            {
                yield return $"Gateway:Mqtt:ExternalPort must be 1..65535, got {ExternalPort}";
            }

            if (string.IsNullOrWhiteSpace(ExternalHost))
            {
                yield return "Gateway:Mqtt:ExternalHost is required in External mode";
            }

            if (string.IsNullOrWhiteSpace(ExternalClientId))
            {
                yield return "Gateway:Mqtt:ExternalClientId is required in External mode (a fixed id keeps the persistent session)";
            }
        }
    }
}
