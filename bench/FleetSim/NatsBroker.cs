using System.Globalization;
using System.Text;
using MQTTnet.Formatter;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// nats-server (Debian) with JetStream and its MQTT listener: a QoS 1 PUBLISH is stored in the JetStream stream
/// <c>$MQTT_msgs</c> (file storage, one replica) before the PUBACK (nats-server v2.9.10 mqtt.go: mqttProcessPub waits for
/// the store's JetStream ack, the PUBACK is queued after it), and reaches a QoS 1 subscriber through a JetStream consumer.
/// The file store writes the message to its block file before that ack (flush in place for a one-replica stream) but
/// fsyncs on a timer: every 2 minutes in 2.9 (stream.go), with no option to change it. <c>sync_interval: always</c>
/// (fsync on every write) exists from 2.10 and is set when the installed server has it (docs.nats.io, JetStream
/// configuration, <c>sync_interval</c>).
/// </summary>
public sealed class NatsBroker(BenchEnvironment environment) : IRelayBroker
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly Lazy<string?> Executable = new(() => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Append("/usr/sbin").Select(d => Path.Combine(d, "nats-server")).FirstOrDefault(File.Exists));
    private static readonly Lazy<Version?> InstalledVersion = new(ReadVersion);

    public string Name => "nats";

    public MqttProtocolVersion Protocol => MqttProtocolVersion.V311;

    public bool SubscriberSessionPersists => true;

    /// <summary>Whether the installed server can fsync every JetStream write (<c>sync_interval: always</c>, 2.10 and later).</summary>
    public static bool SyncAlways => InstalledVersion.Value is { } version && version >= new Version(2, 10);

    public string Durability => SyncAlways
        ? "PUBACK after JetStream stored the message in the $MQTT_msgs stream, fsync'd on every write (sync_interval: always)"
        : "PUBACK after JetStream stored the message in the $MQTT_msgs stream: written to the file (page cache), fsync'd only every 2 min (no sync option before nats-server 2.10): survives a broker crash, not a power cut";

    /// <summary>"2.9.10" or "not installed".</summary>
    public static string VersionText => InstalledVersion.Value?.ToString() ?? "not installed";

    public async Task<BrokerStart> StartAsync(IReadOnlyList<string> deviceIds, string sinkUser, CancellationToken cancellationToken)
    {
        if (Executable.Value is not { } executable)
        {
            return BrokerStart.NotInstalled("nats-server not installed");
        }

        var directory = environment.NewDirectory("nats");
        var port = BenchEnvironment.FreePort();
        var config = Path.Combine(directory, "nats.conf");
        await File.WriteAllTextAsync(config, Config(directory, port, deviceIds, sinkUser), cancellationToken).ConfigureAwait(false);
        var process = ChildProcess.Start("nats", executable, ["-c", config]);
        if (!await TcpReady.WaitAsync(process, port, ReadyTimeout, cancellationToken).ConfigureAwait(false))
        {
            var (tail, exited) = (process.Tail, process.HasExited);
            await process.DisposeAsync().ConfigureAwait(false);
            return BrokerStart.Failed($"nats-server did not open its MQTT port within {ReadyTimeout.TotalSeconds:0} s (exited={exited}): {tail.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()}");
        }

        return BrokerStart.Running(new RunningBroker(process, port, process.Id));
    }

    /// <summary>
    /// A user per device with its own password, allowed to publish on its own events and status subjects only (the
    /// project's ACL, as mosquitto's; MQTT topic a/b is NATS subject a.b); the subscriber may read every device's events
    /// and needs <c>$MQTT.sub.&gt;</c>, where its JetStream consumer delivers. Plain-text passwords: bcrypt would make each
    /// of 1,000 connects cost ~0.1 s of CPU (connects are outside the measured window either way). max_ack_pending
    /// 65535 (the most; default 1024): QoS 1 deliveries in flight to the subscriber, unlimited at mosquitto
    /// (max_inflight_messages 0); with the default one quick run's subscriber stalled for ~10 s behind acknowledged events.
    /// </summary>
    private static string Config(string directory, int port, IReadOnlyList<string> deviceIds, string sinkUser)
    {
        var users = new StringBuilder();
        foreach (var id in deviceIds)
        {
            users.Append(CultureInfo.InvariantCulture, $"    {{ user: \"{id}\", password: \"{RegistryWriter.SecretOf(id)}\", permissions: {{ publish: [\"eldercare.v1.devices.{id}.events\", \"eldercare.v1.devices.{id}.status\"], subscribe: [\"eldercare.v1.devices.{id}.commands\"] }} }}\n");
        }

        users.Append(CultureInfo.InvariantCulture, $"    {{ user: \"{sinkUser}\", password: \"{RegistryWriter.SecretOf(sinkUser)}\", permissions: {{ publish: [], subscribe: [\"eldercare.v1.devices.*.events\", \"$MQTT.sub.>\"] }} }}\n");
        var sync = SyncAlways ? ", sync_interval: always" : string.Empty;
        return $$"""
            listen: 127.0.0.1:{{BenchEnvironment.FreePort()}}
            server_name: bench{{port}}
            jetstream { store_dir: "{{Path.Combine(directory, "jetstream")}}"{{sync}} }
            authorization {
              users = [
            {{users}}  ]
            }
            mqtt { listen: 127.0.0.1:{{port}}, max_ack_pending: 65535 }

            """;
    }

    private static Version? ReadVersion()
    {
        if (Executable.Value is not { } executable)
        {
            return null;
        }

        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(executable, ["--version"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            // "nats-server: v2.9.10"
            var text = output.Trim().Split('v').LastOrDefault() ?? string.Empty;
            return Version.TryParse(text, out var version) ? version : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
