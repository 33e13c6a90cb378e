using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MQTTnet.Formatter;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// RabbitMQ (Debian 3.10) with its MQTT plugin, configured so that a QoS 1 PUBACK follows its own persistence: the plugin
/// publishes a QoS 1 message persistent on a channel in confirm mode and sends the PUBACK on the confirm
/// (rabbit_mqtt_processor.erl v3.10.8: delivery_mode(QoS 1) = 2, confirm.select, PUBACK in the basic.ack callback); a
/// subscriber without a clean session gets a durable queue, made a quorum queue by <c>mqtt.durable_queue_type = quorum</c>.
/// A quorum queue confirms once the entry is in its Raft log, written and fdatasync'd (ra 2.2.0 WAL, wal_sync_method
/// datasync) on a majority of replicas, here the one node. Not a classic queue: a classic queue confirms a persistent
/// message that was delivered and acknowledged before its batched fsync without writing it (RabbitMQ's AMQP 0-9-1
/// confirm extension), which a subscriber that keeps up would hit for most events. One node, own node name, Erlang
/// distribution and epmd ports, data and log directories under the run's directory; no system service.
/// </summary>
public sealed class RabbitMqBroker(BenchEnvironment environment) : IRelayBroker
{
    private const string Script = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    // First start of a fresh node (schema, feature flags, 1,000 users imported): 11-17 s here on a loaded machine.
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    public string Name => "rabbitmq";

    public MqttProtocolVersion Protocol => MqttProtocolVersion.V311;

    public bool SubscriberSessionPersists => true;

    public string Durability => "PUBACK on the publisher confirm: QoS 1 published persistent to the subscriber's durable quorum queue, confirmed once its Raft log entry is written and fdatasync'd (one replica)";

    /// <summary>"3.10.8", from the installed server's directory name.</summary>
    public static string Version() =>
        Directory.Exists("/usr/lib/rabbitmq/lib")
            ? Directory.EnumerateDirectories("/usr/lib/rabbitmq/lib", "rabbitmq_server-*").Select(d => Path.GetFileName(d)["rabbitmq_server-".Length..]).FirstOrDefault() ?? "?"
            : "not installed";

    public async Task<BrokerStart> StartAsync(IReadOnlyList<string> deviceIds, string sinkUser, CancellationToken cancellationToken)
    {
        if (!File.Exists(Script))
        {
            return BrokerStart.NotInstalled("rabbitmq-server not installed");
        }

        var directory = environment.NewDirectory("rabbitmq");
        var port = BenchEnvironment.FreePort();
        var epmdPort = BenchEnvironment.FreePort();
        var definitions = Path.Combine(directory, "definitions.json");
        await File.WriteAllTextAsync(definitions, Definitions(deviceIds, sinkUser), cancellationToken).ConfigureAwait(false);
        var config = Path.Combine(directory, "rabbitmq.conf");
        // listeners.tcp = none: no AMQP listener, MQTT only. mqtt.prefetch: deliveries in flight to the subscriber
        // unacknowledged (default 10): with 10 the subscriber got ~4,800 events/s while the PUBACKs went at 8,000-13,000/s;
        // 1000 keeps up, as mosquitto's max_inflight_messages 0 does (a quorum queue caps it at 2,000).
        await File.WriteAllTextAsync(config, $"""
            listeners.tcp = none
            mqtt.listeners.tcp.default = 127.0.0.1:{port}
            mqtt.allow_anonymous = false
            mqtt.vhost = /
            mqtt.exchange = amq.topic
            mqtt.durable_queue_type = quorum
            mqtt.prefetch = 1000
            load_definitions = {definitions}
            log.console = true
            log.console.level = warning
            log.file = false

            """, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, "enabled_plugins"), "[rabbitmq_mqtt].\n", cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, "advanced.config"), "[].\n", cancellationToken).ConfigureAwait(false);
        // An empty env file, so /etc/rabbitmq/rabbitmq-env.conf does not apply.
        await File.WriteAllTextAsync(Path.Combine(directory, "rabbitmq-env.conf"), string.Empty, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(Path.Combine(directory, "home"));
        var environmentVariables = new Dictionary<string, string>
        {
            // The Erlang cookie goes to $HOME.
            ["HOME"] = Path.Combine(directory, "home"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(directory, "rabbitmq-env.conf"),
            ["RABBITMQ_NODENAME"] = $"bench{port}@localhost",
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_DIST_PORT"] = BenchEnvironment.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ERL_EPMD_PORT"] = epmdPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(directory, "log"),
            ["RABBITMQ_LOGS"] = "-",
            ["RABBITMQ_CONFIG_FILE"] = config,
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(directory, "advanced.config"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(directory, "enabled_plugins"),
            // No speculative busy waiting of the VM's schedulers: RabbitMQ's Runtime Tuning guide advises it for hosts with
            // limited CPU, and this one shares 2 cores with the simulator (same rate, ~10% less broker CPU per event here).
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "+sbwt none +sbwtdcpu none +sbwtdio none",
        };
        // epmd (Erlang's port mapper) in the foreground on a port of its own, as this run's child: the node registers
        // with it instead of forking a daemon that would outlive the run.
        ChildProcess epmd;
        try
        {
            epmd = ChildProcess.Start("epmd", "epmd", ["-port", epmdPort.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return BrokerStart.NotInstalled("epmd (erlang-base) not found");
        }

        if (!await TcpReady.WaitAsync(epmd, epmdPort, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false))
        {
            await epmd.DisposeAsync().ConfigureAwait(false);
            return BrokerStart.Failed("epmd did not start");
        }

        var process = ChildProcess.Start("rabbitmq", Script, [], environmentVariables);
        // Not the port: the MQTT listener opens before the definitions are imported (logins fail with "virtual host '/'
        // does not exist" meanwhile). Not the log line "Server startup complete" either: Erlang's logger drops lines when
        // its queue is long (the import logs two per user), and it was missing in one start out of three. The start
        // banner's "Starting broker... completed with 1 plugins." is written to stdout directly, once the boot is done.
        var ready = process.WaitForLineAsync(l => l.Contains("completed with", StringComparison.Ordinal), "'completed with N plugins'", ReadyTimeout);
        while (!ready.IsCompleted && !process.HasExited)
        {
            await Task.WhenAny(ready, Task.Delay(200, cancellationToken)).ConfigureAwait(false);
        }

        if (!ready.IsCompletedSuccessfully)
        {
            var (tail, exited) = (process.Tail, process.HasExited);
            await process.DisposeAsync().ConfigureAwait(false);
            await epmd.DisposeAsync().ConfigureAwait(false);
            return BrokerStart.Failed($"rabbitmq-server did not start within {ReadyTimeout.TotalSeconds:0} s (exited={exited}): {LastLines(tail)}");
        }

        // The start script runs erl as its child: the Erlang VM is where the broker's CPU goes.
        var vm = ProcStat.Descendants(process.Id).FirstOrDefault(p => p.Name == "beam.smp");
        return BrokerStart.Running(new RunningBroker(process, port, vm.Pid != 0 ? vm.Pid : process.Id, async () => await epmd.DisposeAsync().ConfigureAwait(false)));
    }

    /// <summary>
    /// Users, permissions and topic permissions as a definitions file imported at boot (faster than a rabbitmqctl call per
    /// device): each device may publish on its own events and status topics only (the project's ACL, as mosquitto's), the
    /// subscriber may read every device's events. Passwords as RabbitMQ's default hash: base64(salt(4) + SHA-256(salt + password)).
    /// </summary>
    private static string Definitions(IReadOnlyList<string> deviceIds, string sinkUser)
    {
        var users = deviceIds.Append(sinkUser).ToList();
        const string Resources = "^(amq\\.topic|mqtt-subscription-.*)$";
        return JsonSerializer.Serialize(new
        {
            vhosts = new[] { new { name = "/" } },
            users = users.Select(u => new { name = u, password_hash = HashPassword(RegistryWriter.SecretOf(u)), hashing_algorithm = "rabbit_password_hashing_sha256", tags = Array.Empty<string>() }),
            permissions = users.Select(u => new { user = u, vhost = "/", configure = "^mqtt-subscription-.*", write = Resources, read = Resources }),
            topic_permissions = deviceIds.Select(u => new { user = u, vhost = "/", exchange = "amq.topic", write = "^eldercare\\.v1\\.devices\\.{username}\\.(events|status)$", read = "^eldercare\\.v1\\.devices\\.{username}\\.commands$" })
                .Append(new { user = sinkUser, vhost = "/", exchange = "amq.topic", write = "^$", read = "^eldercare\\.v1\\.devices\\.[^.]+\\.events$" }),
        });
    }

    private static string HashPassword(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(4);
        var hash = SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(password)]);
        return Convert.ToBase64String([.. salt, .. hash]);
    }

    private static string LastLines(string text) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3).Select(l => l.Trim()));
}
