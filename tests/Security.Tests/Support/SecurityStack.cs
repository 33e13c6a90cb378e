using Eldercare.CloudStub;
using Eldercare.Edge.Gateway.Hosting;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Eldercare.Security.Tests.Support;

/// <summary>
/// Cloud stub + gateway in this process on free loopback ports (embedded broker, or a real mosquitto in front),
/// with the gateway's log captured, a registry of attackers and one well-behaved device whose alarms must keep
/// arriving at the cloud during every attack.
/// </summary>
public sealed class SecurityStack : IAsyncDisposable
{
    public const string GoodDevice = "good-0001";
    public const string GatewayUser = "eldercare-gateway";
    public const string GatewayPassword = "gw-secret-7c1f";

    private readonly TempDirectory _directory;
    private readonly SemaphoreSlim _goodGate = new(1, 1);
    private int _goodSeq;
    private Device? _good;

    private SecurityStack(TempDirectory directory, CloudStubHost cloud, GatewayHost gateway, int mqttPort, LogCapture log, MosquittoProcess? mosquitto, string registryPath)
    {
        _directory = directory;
        Cloud = cloud;
        Gateway = gateway;
        MqttPort = mqttPort;
        Log = log;
        Mosquitto = mosquitto;
        RegistryPath = registryPath;
    }

    public CloudStubHost Cloud { get; }

    public GatewayHost Gateway { get; }

    public int MqttPort { get; }

    public LogCapture Log { get; }

    public MosquittoProcess? Mosquitto { get; }

    public string RegistryPath { get; }

    public bool IsMosquitto => Mosquitto is not null;

    public string DatabasePath => Path.Combine(_directory.Path, "gateway", "events.db");

    public static string SecretOf(string device) => "pw-" + device + "-93ad";

    public static async Task<SecurityStack> StartAsync(bool mosquitto, IEnumerable<string> devices, params string[] gatewayArgs)
    {
        var all = devices.Append(GoodDevice).Distinct().ToList();
        MosquittoProcess? broker = null;
        if (mosquitto)
        {
            if (!MosquittoProcess.IsInstalled)
            {
                Assert.Inconclusive("mosquitto is not installed (apt-get install -y mosquitto)");
            }

            var users = all.ToDictionary(d => d, SecretOf);
            users[GatewayUser] = GatewayPassword;
            // The shipped edge/mosquitto/mosquitto.conf limits: QoS 1 at most, small packets.
            broker = await MosquittoProcess.StartAsync(users, extraConfig: "max_qos 1\nmax_packet_size 16384\n").ConfigureAwait(false);
        }

        var directory = new TempDirectory("security-stack");
        var registry = directory.File("devices.json");
        DeviceRegistryFile.Upsert(registry, all.Select(d => SecretHasher.CreateRecord(d, SecretOf(d), iterations: 1000)).ToList());
        var cloud = CloudStubHost.Create(["--urls=http://127.0.0.1:0", $"--CloudStub:DataDirectory={directory.File("cloud")}", "--CloudStub:PrintAlarms=false"], contentRoot: directory.Path);
        await cloud.StartAsync().ConfigureAwait(false);
        var log = new LogCapture();
        var port = broker?.Port ?? FreePort.Next();
        string[] mode = broker is null
            ? []
            : ["--Gateway:Mqtt:Mode=External", $"--Gateway:Mqtt:ExternalPort={broker.Port}", $"--Gateway:Mqtt:ExternalUsername={GatewayUser}", $"--Gateway:Mqtt:ExternalPassword={GatewayPassword}"];
        var gateway = GatewayHost.Create(
        [
            "--Gateway:Mqtt:BindAddress=127.0.0.1",
            $"--Gateway:Mqtt:Port={port}",
            "--Gateway:Http:BindAddress=127.0.0.1",
            "--Gateway:Http:Port=0",
            $"--Gateway:Store:DataDirectory={directory.File("gateway")}",
            $"--Gateway:Registry:Path={registry}",
            $"--Gateway:Forwarder:CloudUrl={cloud.Url}",
            "--Gateway:Forwarder:MaxBackoffMilliseconds=200",
            .. mode,
            .. gatewayArgs,
        ], contentRoot: directory.Path, configureLogging: logging => logging.AddProvider(log));
        await gateway.StartAsync().ConfigureAwait(false);
        await gateway.WaitUntilSubscribedAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        return new SecurityStack(directory, cloud, gateway, port, log, broker, registry);
    }

    public Task<Device> ConnectAsync(string id, MQTTnet.Formatter.MqttProtocolVersion version = MQTTnet.Formatter.MqttProtocolVersion.V500) =>
        Device.ConnectAsync(MqttPort, id, SecretOf(id), version);

    /// <summary>The well-behaved device raises an SOS; completes when the cloud has stored it (the "everyone else is served" check).</summary>
    public async Task AssertGoodAlarmArrivesAsync(TimeSpan? timeout = null)
    {
        var seq = Interlocked.Increment(ref _goodSeq) + 1000 * Random.Shared.Next(1, 1000);
        var sos = Device.Event(GoodDevice, seq);
        // One long-lived connection, as a real pendant has.
        await _goodGate.WaitAsync().ConfigureAwait(false);
        Device good;
        try
        {
            if (_good is null || !_good.Client.IsConnected)
            {
                if (_good is not null)
                {
                    await _good.DisposeAsync().ConfigureAwait(false);
                }

                _good = await ConnectAsync(GoodDevice).ConfigureAwait(false);
            }

            good = _good;
        }
        finally
        {
            _goodGate.Release();
        }

        var ack = await good.PublishAsync(sos).WaitAsync(timeout ?? TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        Assert.IsTrue(ack.IsSuccess, $"good device's SOS not acknowledged: {ack.ReasonCode}");
        await Eventually.WaitAsync(async () => (await Cloud.Database.QueryAsync(GoodDevice, null).ConfigureAwait(false)).Any(e => e.Id == sos.Id),
            found => found, timeout ?? TimeSpan.FromSeconds(15), $"good device's SOS {sos.Id} at the cloud").ConfigureAwait(false);
    }

    /// <summary>Rows in the gateway's SQLite file for a device (read from disk, not from the process).</summary>
    public long StoredCount(string device)
    {
        if (!File.Exists(DatabasePath))
        {
            return 0;
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM events WHERE dev = $d";
        command.Parameters.AddWithValue("$d", device);
        return (long)command.ExecuteScalar()!;
    }

    public async Task<int> CloudCountAsync(string device) => (await Cloud.Database.QueryAsync(device, null).ConfigureAwait(false)).Count;

    /// <summary>Waits until the gateway counted a rejection for <paramref name="reason"/> beyond <paramref name="before"/> and logged it with <paramref name="who"/>.</summary>
    public async Task AssertRejectedAsync(string who, string reason, long before)
    {
        await Eventually.WaitAsync(() => Gateway.Metrics.Rejected(reason) > before, TimeSpan.FromSeconds(10), $"gateway_rejected_total{{reason=\"{reason}\"}} > {before}").ConfigureAwait(false);
        await Log.WaitForLineAsync(TimeSpan.FromSeconds(5), "rejected " + who, reason).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_good is not null)
        {
            await _good.DisposeAsync().ConfigureAwait(false);
        }

        await Gateway.StopAsync().ConfigureAwait(false);
        await Gateway.DisposeAsync().ConfigureAwait(false);
        await Cloud.StopAsync().ConfigureAwait(false);
        await Cloud.DisposeAsync().ConfigureAwait(false);
        if (Mosquitto is not null)
        {
            await Mosquitto.DisposeAsync().ConfigureAwait(false);
        }

        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
