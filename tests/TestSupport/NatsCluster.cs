namespace Eldercare.TestSupport;

/// <summary>
/// Real nats-server processes (Debian package, 2.9) with JetStream on 127.0.0.1 free ports, each with its own config
/// and store in a temp dir: one server, or a cluster of three whose routes name each other (a stream with 3 replicas
/// needs all three; it keeps a quorum of two). A node can be SIGKILLed and started again on the same ports and store.
/// </summary>
public sealed class NatsCluster : IAsyncDisposable
{
    private static readonly string[] Candidates = ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"];

    private readonly TempDirectory _directory = new("nats");
    private readonly List<Node> _nodes = [];
    private readonly NatsSecurity? _security;

    private NatsCluster(NatsSecurity? security = null)
    {
        _security = security;
    }

    /// <summary>The CA file a client must trust (the secured server's own certificate), or null without TLS.</summary>
    public string? CaPath => _security is null ? null : _directory.File("server.crt");

    public static string? ExecutablePath => Candidates.FirstOrDefault(File.Exists);

    public static bool IsInstalled => ExecutablePath is not null;

    /// <summary>Client ports of the nodes, in order.</summary>
    public IReadOnlyList<int> ClientPorts => _nodes.Select(n => n.ClientPort).ToList();

    /// <summary>Every node as a seed, comma separated (what the gateway and the stub are given).</summary>
    public string Url => string.Join(',', _nodes.Select(n => $"{(_security is null ? "nats" : "tls")}://127.0.0.1:{n.ClientPort}"));

    public int Count => _nodes.Count;

    /// <summary>What every node printed (its own lines prefixed), for a failing test's message.</summary>
    public string Output => string.Join('\n', _nodes.SelectMany(n => n.Process?.Lines.Select(l => $"[{n.Name}] {l}") ?? []));

    /// <summary>Starts <paramref name="nodes"/> servers (1 or 3) and waits until each accepts clients.</summary>
    public static async Task<NatsCluster> StartAsync(int nodes, TimeSpan? timeout = null)
    {
        if (nodes is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(nodes), "1 or 3 nodes");
        }

        var cluster = new NatsCluster();
        try
        {
            for (var i = 0; i < nodes; i++)
            {
                cluster._nodes.Add(new Node($"n{i + 1}", FreePort.Next(), FreePort.Next()));
            }

            foreach (var node in cluster._nodes)
            {
                await File.WriteAllTextAsync(cluster.ConfigPath(node), cluster.Config(node)).ConfigureAwait(false);
                cluster.Launch(node);
            }

            foreach (var node in cluster._nodes)
            {
                await cluster.WaitReadyAsync(node, timeout ?? TimeSpan.FromSeconds(20)).ConfigureAwait(false);
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// One server that speaks only TLS (a self-signed certificate for 127.0.0.1 made here, <see cref="CaPath"/>) and lets
    /// in only the given user (nats-server's <c>authorization</c> block): what a city's cluster asks of the gateway.
    /// </summary>
    public static async Task<NatsCluster> StartSecuredAsync(NatsSecurity security, TimeSpan? timeout = null)
    {
        var cluster = new NatsCluster(security);
        try
        {
            await LoopbackCertificate.WriteAsync("nats-test", cluster._directory.File("server.crt"), cluster._directory.File("server.key")).ConfigureAwait(false);
            var node = new Node("n1", FreePort.Next(), FreePort.Next());
            cluster._nodes.Add(node);
            await File.WriteAllTextAsync(cluster.ConfigPath(node), cluster.Config(node)).ConfigureAwait(false);
            cluster.Launch(node);
            await cluster.WaitReadyAsync(node, timeout ?? TimeSpan.FromSeconds(20)).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>SIGKILL node <paramref name="index"/>: no shutdown, its store as the kill left it.</summary>
    public async Task KillAsync(int index)
    {
        var node = _nodes[index];
        if (node.Process is not null)
        {
            await node.Process.KillAsync().ConfigureAwait(false);
            node.Runs.Add(node.Process);
            node.Process = null;
        }
    }

    /// <summary>Starts a killed node again on its ports and store and waits until it accepts clients.</summary>
    public async Task RestartAsync(int index, TimeSpan? timeout = null)
    {
        var node = _nodes[index];
        if (node.Process is not null)
        {
            throw new InvalidOperationException($"{node.Name} is running");
        }

        Launch(node);
        await WaitReadyAsync(node, timeout ?? TimeSpan.FromSeconds(20)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            if (node.Process is not null)
            {
                await node.Process.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var run in node.Runs)
            {
                await run.DisposeAsync().ConfigureAwait(false);
            }
        }

        _directory.Dispose();
    }

    private void Launch(Node node)
    {
        var executable = ExecutablePath ?? throw new InvalidOperationException("nats-server is not installed (apt-get install -y nats-server)");
        node.Process = ManagedProcess.Start(executable, ["-c", ConfigPath(node)], name: node.Name);
    }

    private async Task WaitReadyAsync(Node node, TimeSpan timeout)
    {
        try
        {
            await FreePort.WaitUntilListeningAsync(node.ClientPort, timeout).ConfigureAwait(false);
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"{exception.Message}\nnats-server output:\n{Output}", exception);
        }
    }

    private string ConfigPath(Node node) => _directory.File(node.Name + ".conf");

    private string Config(Node node)
    {
        var store = _directory.File(Path.Combine("store", node.Name));
        Directory.CreateDirectory(store);
        var cluster = _nodes.Count == 1 ? string.Empty : $$"""
            cluster {
              name: eldercare-test
              listen: 127.0.0.1:{{node.RoutePort}}
              routes: [{{string.Join(", ", _nodes.Where(n => n != node).Select(n => $"nats-route://127.0.0.1:{n.RoutePort}"))}}]
            }
            """;
        var security = _security is null ? string.Empty : $$"""
            tls {
              cert_file: "{{_directory.File("server.crt")}}"
              key_file: "{{_directory.File("server.key")}}"
              timeout: 2
            }
            authorization {
              users: [ { user: "{{_security.Username}}", password: "{{_security.Password}}" } ]
            }
            """;
        return $$"""
            server_name: {{node.Name}}
            listen: 127.0.0.1:{{node.ClientPort}}
            jetstream {
              store_dir: "{{store}}"
              max_memory_store: 64MB
              max_file_store: 2GB
            }
            {{cluster}}
            {{security}}
            """;
    }

    private sealed class Node(string name, int clientPort, int routePort)
    {
        public string Name { get; } = name;

        public int ClientPort { get; } = clientPort;

        public int RoutePort { get; } = routePort;

        public ManagedProcess? Process { get; set; }

        public List<ManagedProcess> Runs { get; } = [];
    }
}

/// <summary>The one user a secured test server lets in.</summary>
public sealed record NatsSecurity(string Username, string Password);
