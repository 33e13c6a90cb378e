using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Eldercare.Edge.Tests.Deployment;

/// <summary>
/// The offline checks of deploy/iotedge: the deployment manifest against IoT Edge's rules and against the gateway
/// module's Dockerfile, as a list of problems (empty = fine), so that tests can also show each check failing on a
/// broken copy. docker is not on the build machines: nothing here builds or runs an image.
/// </summary>
internal static partial class IotEdgeManifestCheck
{
    /// <summary>
    /// createOptions is one twin value per chunk: at most 512 characters each (Azure/iotedge
    /// edge-agent/src/Microsoft.Azure.Devices.Edge.Agent.Docker/Constants.cs, TwinValueMaxSize = 512), split as
    /// createOptions, createOptions01, createOptions02, ... (Azure/iotedge pull request #396 "Extend createOptions by
    /// chunking the field"). edgeAgent itself reads up to 100 chunks (TwinValueMaxChunks = 100 in that file), but the
    /// deployment tooling caps a module at 8 (microsoft/vscode-azure-iot-edge src/common/constants.ts,
    /// TwinValueMaxChunks = 8: "The maximum size of createOptions is 4K"; pull request #272): the stricter one holds.
    /// </summary>
    public const int ChunkCharacters = 512;

    public const int MaxChunks = 8;

    public const string GatewayModule = "gateway";

    public static List<string> Problems(string manifestJson, string dockerfile, IReadOnlyList<string> lanesInPriorityOrder)
    {
        var problems = new List<string>();
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(manifestJson);
        }
        catch (JsonException exception)
        {
            return [$"manifest is not JSON: {exception.Message}"];
        }

        var agent = root?["modulesContent"]?["$edgeAgent"]?["properties.desired"];
        var hub = root?["modulesContent"]?["$edgeHub"]?["properties.desired"];
        if (agent is null || hub is null)
        {
            return ["manifest has no modulesContent.$edgeAgent / $edgeHub properties.desired"];
        }

        Expect(problems, "$edgeAgent schemaVersion", "1.1", agent["schemaVersion"]?.GetValue<string>());
        Expect(problems, "$edgeHub schemaVersion", "1.2", hub["schemaVersion"]?.GetValue<string>());
        var modules = agent["modules"]?.AsObject() ?? [];
        var system = agent["systemModules"]?.AsObject() ?? [];
        foreach (var name in new[] { "edgeAgent", "edgeHub" })
        {
            if (!system.ContainsKey(name))
            {
                problems.Add($"systemModules has no {name}");
            }
        }

        foreach (var (name, module) in system.Concat(modules))
        {
            CheckCreateOptions(problems, name, module?["settings"]?.AsObject());
        }

        CheckRoutes(problems, hub["routes"]?.AsObject() ?? [], modules, lanesInPriorityOrder);
        if (modules[GatewayModule] is not JsonObject gateway)
        {
            problems.Add($"modules has no '{GatewayModule}'");
            return problems;
        }

        CheckGateway(problems, gateway, DockerfileFacts.Parse(dockerfile));
        return problems;
    }

    /// <summary>The gateway module's desired properties in the manifest (its configuration through the twin).</summary>
    public static string? GatewayDesired(string manifestJson) =>
        JsonNode.Parse(manifestJson)?["modulesContent"]?[GatewayModule]?["properties.desired"]?.ToJsonString();

    /// <summary>createOptions joined from its chunks (the JSON text edgeAgent hands to docker), null if absent.</summary>
    public static string? CreateOptions(JsonObject? settings)
    {
        if (settings?["createOptions"] is null)
        {
            return null;
        }

        var text = settings["createOptions"]!.GetValue<string>();
        for (var i = 1; settings[$"createOptions{i:00}"] is { } chunk; i++)
        {
            text += chunk.GetValue<string>();
        }

        return text;
    }

    private static void CheckCreateOptions(List<string> problems, string module, JsonObject? settings)
    {
        if (settings is null)
        {
            problems.Add($"module {module} has no settings");
            return;
        }

        var chunks = settings.Where(p => p.Key.StartsWith("createOptions", StringComparison.Ordinal)).ToList();
        if (chunks.Count == 0)
        {
            return;
        }

        if (chunks.Count > MaxChunks)
        {
            problems.Add($"module {module}: createOptions in {chunks.Count} chunks, at most {MaxChunks} ({MaxChunks * ChunkCharacters} characters)");
        }

        for (var i = 0; i < chunks.Count; i++)
        {
            var name = i == 0 ? "createOptions" : $"createOptions{i:00}";
            if (settings[name] is not { } chunk)
            {
                problems.Add($"module {module}: chunk {name} missing (chunks are createOptions, createOptions01, createOptions02, ...)");
                continue;
            }

            var length = chunk.GetValue<string>().Length;
            if (length > ChunkCharacters)
            {
                problems.Add($"module {module}: {name} has {length} characters, at most {ChunkCharacters} per chunk");
            }
        }

        try
        {
            if (JsonNode.Parse(CreateOptions(settings)!) is not JsonObject)
            {
                problems.Add($"module {module}: createOptions is not a JSON object");
            }
        }
        catch (JsonException exception)
        {
            problems.Add($"module {module}: createOptions is not JSON: {exception.Message}");
        }
    }

    private static void CheckRoutes(List<string> problems, JsonObject routes, JsonObject modules, IReadOnlyList<string> lanes)
    {
        var gatewayPriority = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, route) in routes)
        {
            var text = route?["route"]?.GetValue<string>() ?? route?.GetValue<string>() ?? string.Empty;
            var match = RouteSyntax().Match(text);
            if (!match.Success)
            {
                problems.Add($"route {name}: '{text}' is not FROM /messages/modules/<module>/outputs/<output> INTO <sink>");
                continue;
            }

            var source = match.Groups["module"].Value;
            if (!modules.ContainsKey(source))
            {
                problems.Add($"route {name}: module '{source}' is not in the deployment");
            }

            var sink = match.Groups["sink"].Value;
            var brokered = BrokeredSink().Match(sink);
            if (sink != "$upstream" && (!brokered.Success || !modules.ContainsKey(brokered.Groups["module"].Value)))
            {
                problems.Add($"route {name}: sink '{sink}' is neither $upstream nor an input of a module in the deployment");
            }

            var priority = route?["priority"]?.GetValue<int>() ?? -1;
            if (priority is < 0 or > 9)
            {
                problems.Add($"route {name}: priority must be 0..9 (0 first)");
                continue;
            }

            if (route?["timeToLiveSecs"]?.GetValue<int>() is not > 0)
            {
                problems.Add($"route {name}: timeToLiveSecs missing");
            }

            if (source == GatewayModule)
            {
                gatewayPriority[match.Groups["output"].Value] = priority;
            }
        }

        if (!gatewayPriority.Keys.Order(StringComparer.Ordinal).SequenceEqual(lanes.Order(StringComparer.Ordinal)))
        {
            problems.Add($"the gateway's routes are for outputs [{string.Join(", ", gatewayPriority.Keys)}], its lanes are [{string.Join(", ", lanes)}]");
            return;
        }

        for (var i = 1; i < lanes.Count; i++)
        {
            if (gatewayPriority[lanes[i - 1]] >= gatewayPriority[lanes[i]])
            {
                problems.Add($"route priority of lane {lanes[i - 1]} ({gatewayPriority[lanes[i - 1]]}) must come before {lanes[i]} ({gatewayPriority[lanes[i]]}): lanes in the gateway's order");
            }
        }
    }

    private static void CheckGateway(List<string> problems, JsonObject gateway, DockerfileFacts docker)
    {
        Expect(problems, "gateway restartPolicy", "always", gateway["restartPolicy"]?.GetValue<string>());
        var image = gateway["settings"]?["image"]?.GetValue<string>() ?? string.Empty;
        var repository = image.Split(':')[0].Split('/')[^1];
        Expect(problems, "gateway image name (its Dockerfile's org.opencontainers.image.title)", docker.Title, repository);
        var env = gateway["env"]?.AsObject() ?? [];
        string? Setting(string key) => env[key]?["value"]?.GetValue<string>() ?? docker.Environment.GetValueOrDefault(key);

        var dataDirectory = Setting("Gateway__Store__DataDirectory");
        Expect(problems, "the store directory (Gateway__Store__DataDirectory) is the Dockerfile's VOLUME", docker.Volume, dataDirectory);
        if (Setting("Gateway__Registry__Path") is not { } registry || !registry.StartsWith(docker.Volume + "/", StringComparison.Ordinal))
        {
            problems.Add($"the registry (Gateway__Registry__Path) must be on the store volume {docker.Volume}");
        }

        if (docker.User is null or "0" or "root" || !docker.ChownsVolumeTo(docker.User))
        {
            problems.Add($"the Dockerfile's USER ({docker.User ?? "none"}) must be a non-root uid owning {docker.Volume}");
        }

        var createOptions = JsonNode.Parse(CreateOptions(gateway["settings"]?.AsObject()) ?? "{}")!;
        var binds = createOptions["HostConfig"]?["Binds"]?.AsArray().Select(b => b!.GetValue<string>()).ToList() ?? [];
        if (!binds.Any(b => b.Split(':') is [var host, var container, ..] && host.StartsWith('/') && container == docker.Volume))
        {
            problems.Add($"createOptions binds no host directory to the store volume {docker.Volume} (binds: {string.Join(", ", binds)})");
        }

        foreach (var key in new[] { "Gateway__Mqtt__Port", "Gateway__Http__Port" })
        {
            var port = Setting(key);
            if (port is null)
            {
                problems.Add($"{key} is set neither in the module's env nor in the Dockerfile");
                continue;
            }

            var exposedInImage = docker.Exposed.Contains(port);
            var exposed = createOptions["ExposedPorts"]?[$"{port}/tcp"] is not null;
            var bound = createOptions["HostConfig"]?["PortBindings"]?[$"{port}/tcp"] is not null;
            if (!exposedInImage || !exposed || !bound)
            {
                problems.Add($"{key} {port}: EXPOSE in the Dockerfile {exposedInImage}, ExposedPorts {exposed}, PortBindings {bound}: all three needed");
            }
        }
    }

    private static void Expect(List<string> problems, string what, string? expected, string? actual)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            problems.Add($"{what}: expected '{expected}', found '{actual}'");
        }
    }

    [GeneratedRegex(@"^FROM /messages/modules/(?<module>[^/\s]+)/outputs/(?<output>[^/\s]+)(\s+WHERE\s+.+?)?\s+INTO\s+(?<sink>\S+)$")]
    private static partial Regex RouteSyntax();

    [GeneratedRegex("""^BrokeredEndpoint\("/modules/(?<module>[^/]+)/inputs/[^/"]+"\)$""")]
    private static partial Regex BrokeredSink();
}
