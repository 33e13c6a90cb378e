using MQTTnet.Formatter;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// A broker the ingest scenario sends the gateway's load through, to one QoS 1 subscriber (bench/README.md "Peers"):
/// started fresh for each run on free loopback ports with its own data directory and configuration, stopped after.
/// </summary>
public interface IRelayBroker
{
    /// <summary>Names the figures: <c>{Name}_relay_events_per_s</c>, <c>ingest_ratio_vs_{Name}</c>.</summary>
    string Name { get; }

    /// <summary>The MQTT version its devices and subscriber speak (Debian's RabbitMQ 3.10 and nats-server 2.9 have no MQTT 5).</summary>
    MqttProtocolVersion Protocol { get; }

    /// <summary>
    /// Whether the subscriber keeps its session (MQTT clean session false): on the durable peers that is what makes
    /// its subscription durable (RabbitMQ: a durable quorum queue; NATS: a durable JetStream consumer).
    /// </summary>
    bool SubscriberSessionPersists { get; }

    /// <summary>What a PUBACK means on this broker as configured here, for the notes of the run.</summary>
    string Durability { get; }

    /// <summary>Starts the broker with a user per device (own password, own topics) and one subscriber user; a result with the reason when it cannot.</summary>
    Task<BrokerStart> StartAsync(IReadOnlyList<string> deviceIds, string sinkUser, CancellationToken cancellationToken);
}
