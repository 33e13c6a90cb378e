using MQTTnet.Formatter;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// mosquitto (Debian) relaying in memory: no persistence, no queue or in-flight limits toward the subscriber
/// (<see cref="BenchEnvironment.StartMosquittoAsync"/>). The floor no durable system reaches.
/// </summary>
public sealed class MosquittoBroker(BenchEnvironment environment) : IRelayBroker
{
    private const string Executable = "/usr/sbin/mosquitto";

    public string Name => "mosquitto";

    public MqttProtocolVersion Protocol => MqttProtocolVersion.V500;

    public bool SubscriberSessionPersists => false;

    public string Durability => "none: PUBACK once the message is in mosquitto's memory (persistence false)";

    public async Task<BrokerStart> StartAsync(IReadOnlyList<string> deviceIds, string sinkUser, CancellationToken cancellationToken)
    {
        if (!File.Exists(Executable))
        {
            return BrokerStart.NotInstalled($"{Executable} not installed");
        }

        try
        {
            var (process, port) = await environment.StartMosquittoAsync(deviceIds, sinkUser).ConfigureAwait(false);
            return BrokerStart.Running(new RunningBroker(process, port, process.Id));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return BrokerStart.NotInstalled("mosquitto_passwd (mosquitto-clients) not found");
        }
    }
}
