using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Eldercare.Edge.Gateway.Broker;

namespace Eldercare.Bench.FleetSim;

/// <summary>Starts the servers of a scenario on free loopback ports, each with its own data directory.</summary>
public sealed class BenchEnvironment
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private readonly string _repository;
    private readonly string _work;
    private int _runs;

    public BenchEnvironment(string repository, string work)
    {
        _repository = repository;
        _work = work;
        Directory.CreateDirectory(work);
    }

    public string RegistryPath => Path.Combine(_work, "devices.json");

    public string WorkDirectory => _work;

    public string GatewayDll => Path.Combine(_repository, "edge/Gateway/bin/Release/net10.0/Eldercare.Edge.Gateway.dll");

    public string StubDll => Path.Combine(_repository, "cloud-stub/CloudStub/bin/Release/net10.0/Eldercare.CloudStub.dll");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public string NewDirectory(string name)
    {
        var path = Path.Combine(_work, $"{Interlocked.Increment(ref _runs):00}-{name}");
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// The cloud stub. <paramref name="nice"/> other than 0 starts it through <c>nice -n</c> (every thread inherits
    /// it): the latency scenarios run it at <see cref="LatencyStubNice"/>, because the platform it stands in for runs
    /// on machines of its own and its answer is inside their measured latency (bench/README.md "Priorities"). A negative
    /// value needs CAP_SYS_NICE; without it nice runs the stub unchanged (the scenarios' notes print the nice it got).
    /// </summary>
    public async Task<(ChildProcess Process, string Url)> StartStubAsync(string dataDirectory, int nice = 0)
    {
        string[] stubArgs = [StubDll, "--urls=http://127.0.0.1:0", $"--CloudStub:DataDirectory={dataDirectory}", "--CloudStub:PrintAlarms=false"];
        var stub = nice != 0 && OperatingSystem.IsLinux() && File.Exists("/usr/bin/nice")
            ? ChildProcess.Start("cloud-stub", "/usr/bin/nice", ["-n", nice.ToString(System.Globalization.CultureInfo.InvariantCulture), "dotnet", .. stubArgs])
            : ChildProcess.Start("cloud-stub", "dotnet", stubArgs);
        var line = await stub.WaitForLineAsync("cloud-stub ready", ReadyTimeout).ConfigureAwait(false);
        var port = int.Parse(line[(line.LastIndexOf('=') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return (stub, $"http://127.0.0.1:{port}");
    }

    /// <summary>The cloud stub's priority in the fleet and acknowledgement scenarios.</summary>
    public const int LatencyStubNice = -5;

    /// <summary>The gateway as shipped (Release, appsettings defaults), on loopback ports, forwarding to <paramref name="stubUrl"/>.</summary>
    public async Task<(ChildProcess Process, int MqttPort, string Url)> StartGatewayAsync(string dataDirectory, string stubUrl, IEnumerable<string>? extraArgs = null)
    {
        var mqttPort = FreePort();
        var gateway = ChildProcess.Start("gateway", "dotnet",
        [
            GatewayDll,
            "--Gateway:Mqtt:BindAddress=127.0.0.1", $"--Gateway:Mqtt:Port={mqttPort}",
            "--Gateway:Http:BindAddress=127.0.0.1", "--Gateway:Http:Port=0",
            $"--Gateway:Store:DataDirectory={dataDirectory}", $"--Gateway:Registry:Path={RegistryPath}",
            $"--Gateway:Forwarder:CloudUrl={stubUrl}",
            .. extraArgs ?? [],
        ]);
        var line = await gateway.WaitForLineAsync("gateway ready", ReadyTimeout).ConfigureAwait(false);
        var http = line.Split(' ').First(p => p.StartsWith("http=", StringComparison.Ordinal))[5..];
        return (gateway, mqttPort, $"http://127.0.0.1:{http}");
    }

    /// <summary>mosquitto (Debian) with per-user passwords and the project's ACL, configured not to drop (DESIGN.md).</summary>
    public async Task<(ChildProcess Process, int Port)> StartMosquittoAsync(IReadOnlyList<string> deviceIds, string sinkUser)
    {
        var directory = NewDirectory("mosquitto");
        var passwd = Path.Combine(directory, "passwd");
        await File.WriteAllLinesAsync(passwd, deviceIds.Select(id => $"{id}:{RegistryWriter.SecretOf(id)}").Append($"{sinkUser}:{RegistryWriter.SecretOf(sinkUser)}")).ConfigureAwait(false);
        using (var hash = System.Diagnostics.Process.Start("mosquitto_passwd", ["-U", passwd]))
        {
            await hash.WaitForExitAsync().ConfigureAwait(false);
            if (hash.ExitCode != 0)
            {
                throw new InvalidOperationException("mosquitto_passwd -U failed");
            }
        }

        var acl = Path.Combine(directory, "acl");
        // The gateway's own mosquitto ACL (production's rules), with the sink in the gateway's place.
        await File.WriteAllTextAsync(acl, MosquittoAcl.Text(sinkUser)).ConfigureAwait(false);
        var port = FreePort();
        var config = Path.Combine(directory, "mosquitto.conf");
        var runAsRoot = Environment.UserName == "root" ? "user root\n" : string.Empty;
        // max_queued_messages 0 / max_inflight_messages 0: no limit toward the slow subscriber; the defaults
        // (1000 / 20) dropped 21-70% of a burst here (DESIGN.md). No persistence: the baseline relays in memory.
        await File.WriteAllTextAsync(config, $"""
            {runAsRoot}listener {port} 127.0.0.1
            allow_anonymous false
            password_file {passwd}
            acl_file {acl}
            use_username_as_clientid true
            persistence false
            max_queued_messages 0
            max_inflight_messages 0
            max_connections -1
            log_dest stdout
            log_type error
            log_type warning

            """).ConfigureAwait(false);
        var broker = ChildProcess.Start("mosquitto", "/usr/sbin/mosquitto", ["-c", config]);
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
                return (broker, port);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !broker.HasExited)
            {
                await Task.Delay(20).ConfigureAwait(false);
            }
        }
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync().ConfigureAwait(false));
        return document.RootElement.Clone();
    }

    public static async Task<long> StubEventCountAsync(HttpClient http, string stubUrl) =>
        (await GetJsonAsync(http, stubUrl + "/api/v1/stats").ConfigureAwait(false)).GetProperty("events").GetInt64();

    public static async Task SetFaultAsync(HttpClient http, string stubUrl, string mode)
    {
        using var content = new StringContent($"{{\"mode\":\"{mode}\"}}", System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(stubUrl + "/admin/fault", content).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>One counter from the gateway's /metrics (Prometheus text).</summary>
    public static async Task<double> GatewayMetricAsync(HttpClient http, string gatewayUrl, string name)
    {
        var text = await http.GetStringAsync(gatewayUrl + "/metrics").ConfigureAwait(false);
        return ParseMetric(text, name);
    }

    /// <summary>One value from Prometheus text; NaN when absent.</summary>
    public static double ParseMetric(string text, string name)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return double.NaN;
    }
}
