using Eldercare.CloudStub;
using Eldercare.Edge.Gateway.Hosting;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.Support;

/// <summary>
/// Gateway + cloud stub in this process, on free loopback ports, with a registry of test devices.
/// Real SQLite files, real sockets; only the processes are shared with the test.
/// </summary>
public sealed class EdgeStack : IAsyncDisposable
{
    /// <summary>Low PBKDF2 cost in tests: the hashing is tested on its own, here it would only slow every connect.</summary>
    public const int TestIterations = 1_000;

    private readonly TempDirectory _directory;

    private readonly string[] _gatewayArgs;
    private readonly TimeProvider? _time;

    private EdgeStack(TempDirectory directory, CloudStubHost cloud, GatewayHost gateway, int mqttPort, string[] gatewayArgs, TimeProvider? time)
    {
        _gatewayArgs = gatewayArgs;
        _time = time;
        _directory = directory;
        Cloud = cloud;
        Gateway = gateway;
        MqttPort = mqttPort;
    }

    public CloudStubHost Cloud { get; }

    public GatewayHost Gateway { get; private set; }

    /// <summary>Where devices connect: the embedded broker, or mosquitto in external mode.</summary>
    public int MqttPort { get; }

    public string DataDirectory => Path.Combine(_directory.Path, "gateway");

    public string DatabasePath => Path.Combine(DataDirectory, "events.db");

    /// <summary>The cloud stub's data directory (its <c>cloud.db</c>).</summary>
    public string CloudDataDirectory => Path.Combine(_directory.Path, "cloud");

    /// <summary>The registry file the gateway watches (edits apply without a restart).</summary>
    public string RegistryPath => Path.Combine(_directory.Path, "devices.json");

    public static string SecretOf(string deviceId) => "secret-" + deviceId;

    /// <summary>Embedded broker stack with the given devices registered (secret = <see cref="SecretOf"/>).</summary>
    public static Task<EdgeStack> StartEmbeddedAsync(IEnumerable<string> devices, params string[] gatewayArgs) =>
        StartAsync(devices, mosquitto: null, gatewayArgs);

    /// <summary>Embedded broker stack on the given clock (a fake one moves keep alive and other timers in tests).</summary>
    public static Task<EdgeStack> StartEmbeddedAsync(IEnumerable<string> devices, TimeProvider time, params string[] gatewayArgs) =>
        StartAsync(devices, mosquitto: null, gatewayArgs, time);

    /// <summary>External-broker stack: the gateway subscribes to <paramref name="mosquitto"/> as "eldercare-gateway".</summary>
    public static Task<EdgeStack> StartExternalAsync(IEnumerable<string> devices, MosquittoProcess mosquitto, string gatewayPassword) =>
        StartAsync(devices, mosquitto,
        [
            "--Gateway:Mqtt:Mode=External",
            "--Gateway:Mqtt:ExternalHost=127.0.0.1",
            $"--Gateway:Mqtt:ExternalPort={mosquitto.Port}",
            "--Gateway:Mqtt:ExternalClientId=eldercare-gateway",
            "--Gateway:Mqtt:ExternalUsername=eldercare-gateway",
            $"--Gateway:Mqtt:ExternalPassword={gatewayPassword}",
        ]);

    /// <summary>Embedded broker stack whose cloud stub and gateway get extra arguments (the JetStream upstream on both sides).</summary>
    public static Task<EdgeStack> StartEmbeddedAsync(IEnumerable<string> devices, string[] cloudArgs, string[] gatewayArgs) =>
        StartAsync(devices, mosquitto: null, gatewayArgs, cloudArgs: cloudArgs);

    private static async Task<EdgeStack> StartAsync(IEnumerable<string> devices, MosquittoProcess? mosquitto, string[] gatewayArgs, TimeProvider? time = null, string[]? cloudArgs = null)
    {
        var directory = new TempDirectory("edge-stack");
        var registry = directory.File("devices.json");
        DeviceRegistryFile.Upsert(registry, devices.Select(d => SecretHasher.CreateRecord(d, SecretOf(d), iterations: TestIterations)).ToList());

        var cloud = CloudStubHost.Create(["--urls=http://127.0.0.1:0", $"--CloudStub:DataDirectory={directory.File("cloud")}", .. cloudArgs ?? []], contentRoot: directory.Path);
        await cloud.StartAsync().ConfigureAwait(false);

        var mqttPort = mosquitto?.Port ?? FreePort.Next();
        string[] args =
        [
            "--Gateway:Mqtt:BindAddress=127.0.0.1",
            $"--Gateway:Mqtt:Port={mqttPort}",
            "--Gateway:Http:BindAddress=127.0.0.1",
            "--Gateway:Http:Port=0",
            $"--Gateway:Store:DataDirectory={directory.File("gateway")}",
            $"--Gateway:Registry:Path={registry}",
            $"--Gateway:Forwarder:CloudUrl={cloud.Url}",
            "--Gateway:Forwarder:MaxBackoffMilliseconds=200",
            .. gatewayArgs,
        ];
        var gateway = GatewayHost.Create(args, contentRoot: directory.Path, time: time);
        await gateway.StartAsync().ConfigureAwait(false);
        var subscribed = gateway.WaitUntilSubscribedAsync();
        if (await Task.WhenAny(subscribed, Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false) != subscribed)
        {
            throw new TimeoutException("gateway did not subscribe at the external broker within 10 s");
        }

        return new EdgeStack(directory, cloud, gateway, mqttPort, args, time);
    }

    /// <summary>
    /// Stops the gateway and starts a new one on the same data directory, ports, registry and clock: what a restart
    /// (or a crash, for anything already fsynced) leaves to the next run.
    /// </summary>
    public async Task RestartGatewayAsync(Func<Task>? whileStopped = null)
    {
        await Gateway.StopAsync().ConfigureAwait(false);
        await Gateway.DisposeAsync().ConfigureAwait(false);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (whileStopped is not null)
        {
            await whileStopped().ConfigureAwait(false);
        }

        Gateway = GatewayHost.Create(_gatewayArgs, contentRoot: _directory.Path, time: _time);
        await Gateway.StartAsync().ConfigureAwait(false);
    }

    public Task<TestDevice> ConnectDeviceAsync(string id, MQTTnet.Formatter.MqttProtocolVersion version = MQTTnet.Formatter.MqttProtocolVersion.V500) =>
        TestDevice.ConnectAsync(MqttPort, id, SecretOf(id), version);

    /// <summary>Waits until the cloud stub holds at least <paramref name="count"/> events of the device.</summary>
    public Task<List<StoredEventView>> WaitForCloudEventsAsync(string device, int count, TimeSpan? timeout = null) =>
        Eventually.WaitAsync(() => Cloud.Database.QueryAsync(device, null), list => list.Count >= count, timeout ?? TimeSpan.FromSeconds(10), $"{count} events of {device} at the cloud stub");

    public async ValueTask DisposeAsync()
    {
        await Gateway.StopAsync().ConfigureAwait(false);
        await Gateway.DisposeAsync().ConfigureAwait(false);
        await Cloud.StopAsync().ConfigureAwait(false);
        await Cloud.DisposeAsync().ConfigureAwait(false);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
