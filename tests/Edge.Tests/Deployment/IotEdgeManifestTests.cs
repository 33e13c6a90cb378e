using System.Text.Json.Nodes;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.ModuleTwin;
using Eldercare.Edge.Gateway.Store;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.Deployment;

/// <summary>
/// deploy/iotedge checked offline (IotEdgeManifestCheck): the deployment manifest template against IoT Edge's rules
/// and the gateway module's Dockerfile. docker is not installed on the build machines, so the image is not built here.
/// </summary>
[TestClass]
[TestCategory("Deployment")]
public sealed class IotEdgeManifestTests
{
    private static readonly string Directory = Path.Combine(RepoPaths.Root, "deploy", "iotedge");

    private static string Manifest => File.ReadAllText(Path.Combine(Directory, "deployment.template.json"));

    private static string Dockerfile => File.ReadAllText(Path.Combine(Directory, "modules", "gateway", "Dockerfile"));

    private static IReadOnlyList<string> Lanes => LaneSet.Create(new ForwarderOptions()).InPriorityOrder.Select(l => l.Name).ToList();

    [TestMethod]
    public void Manifest_AsShipped_NoProblems()
    {
        var problems = IotEdgeManifestCheck.Problems(Manifest, Dockerfile, Lanes);

        Assert.AreEqual(string.Empty, string.Join("\n", problems));
    }

    [TestMethod]
    public void Manifest_GatewayDesiredProperties_AcceptedByTheTwinMapping()
    {
        var desired = IotEdgeManifestCheck.GatewayDesired(Manifest);
        Assert.IsNotNull(desired, "the manifest gives the gateway module its desired properties");

        var read = TwinSettings.Read(desired);

        Assert.AreEqual(string.Empty, string.Join("\n", read.Problems));
        Assert.AreEqual("$PLATFORM_URL", read.Settings["Gateway:Forwarder:CloudUrl"], "the platform URL comes from the twin");
    }

    [TestMethod]
    public void Dockerfile_MultiStage_BuildsTheModuleProjectForTheTargetArchitecture()
    {
        var docker = DockerfileFacts.Parse(Dockerfile);

        Assert.AreEqual(2, docker.Stages.Count, string.Join(" | ", docker.Stages));
        StringAssert.StartsWith(docker.Stages[0], "--platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:");
        Assert.IsTrue(docker.Stages[1].StartsWith("mcr.microsoft.com/dotnet/aspnet:", StringComparison.Ordinal)
            || docker.Stages[1].StartsWith("mcr.microsoft.com/dotnet/runtime-deps:", StringComparison.Ordinal), docker.Stages[1]);
        var publish = docker.RunLines.Single(run => run.StartsWith("dotnet publish", StringComparison.Ordinal));
        StringAssert.Contains(publish, "edge/Gateway.IotEdge/Eldercare.Edge.Gateway.IotEdge.csproj");
        StringAssert.Contains(publish, "-a \"$TARGETARCH\"");
        Assert.IsTrue(File.Exists(Path.Combine(RepoPaths.Root, "edge", "Gateway.IotEdge", "Eldercare.Edge.Gateway.IotEdge.csproj")));
        foreach (var source in docker.CopySources)
        {
            var path = Path.Combine(RepoPaths.Root, source.TrimEnd('/'));
            Assert.IsTrue(File.Exists(path) || System.IO.Directory.Exists(path), $"COPY {source}: not in the repository");
        }
    }

    [TestMethod]
    public void DeployInstructions_HostDirectoryOwnedByTheImagesUser()
    {
        // The module runs as the Dockerfile's USER: the host directory bound to the store must be that uid's, as the
        // README's deploy step makes it.
        var docker = DockerfileFacts.Parse(Dockerfile);
        var gateway = System.Text.Json.Nodes.JsonNode.Parse(Manifest)!["modulesContent"]!["$edgeAgent"]!["properties.desired"]!["modules"]![IotEdgeManifestCheck.GatewayModule]!;
        var options = System.Text.Json.Nodes.JsonNode.Parse(IotEdgeManifestCheck.CreateOptions(gateway["settings"]!.AsObject())!)!;
        var hostDirectory = options["HostConfig"]!["Binds"]!.AsArray().Select(b => b!.GetValue<string>().Split(':')).Single(b => b[1] == docker.Volume)[0];
        var readme = File.ReadAllText(Path.Combine(Directory, "README.md"));

        StringAssert.Contains(readme, $"sudo mkdir -p {hostDirectory} && sudo chown {docker.User}:{docker.User} {hostDirectory}");
    }

    [TestMethod]
    public void ModuleProject_NotInTheSolution()
    {
        // Its SDK is not served by the build machines' package mirror: in Devices.sln the build would fail here.
        var solution = File.ReadAllText(Path.Combine(RepoPaths.Root, "Devices.sln"));

        Assert.IsFalse(solution.Contains("Gateway.IotEdge", StringComparison.Ordinal));
    }

    // The checks above can fail: each broken copy is caught with its reason.
    [TestMethod]
    [DataRow("schema", "$edgeHub schemaVersion")]
    [DataRow("createOptionsTooLong", "characters, at most 512 per chunk")]
    [DataRow("createOptionsTooManyChunks", "at most 8")]
    [DataRow("routeFromUnknownModule", "module 'nosuch' is not in the deployment")]
    [DataRow("telemetryAheadOfAlarms", "must come before")]
    [DataRow("bindElsewhere", "binds no host directory to the store volume")]
    [DataRow("devicePortNotBound", "Gateway__Mqtt__Port 1883")]
    [DataRow("otherImage", "gateway image name")]
    public void Manifest_Broken_ProblemFound(string breakage, string expected)
    {
        var manifest = JsonNode.Parse(Manifest)!;
        var agent = manifest["modulesContent"]!["$edgeAgent"]!["properties.desired"]!;
        var hub = manifest["modulesContent"]!["$edgeHub"]!["properties.desired"]!;
        var gateway = agent["modules"]![IotEdgeManifestCheck.GatewayModule]!;
        var options = JsonNode.Parse(IotEdgeManifestCheck.CreateOptions(gateway["settings"]!.AsObject())!)!;
        switch (breakage)
        {
            case "schema":
                hub["schemaVersion"] = "1.0";
                break;
            case "createOptionsTooLong":
                options["Labels"] = new JsonObject { ["padding"] = new string('x', 600) };
                gateway["settings"]!["createOptions"] = options.ToJsonString();
                break;
            case "createOptionsTooManyChunks":
                for (var i = 1; i <= 8; i++)
                {
                    gateway["settings"]!["createOptions" + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture)] = " ";
                }

                break;
            case "routeFromUnknownModule":
                hub["routes"]!["stray"] = new JsonObject { ["route"] = "FROM /messages/modules/nosuch/outputs/x INTO $upstream", ["priority"] = 3, ["timeToLiveSecs"] = 60 };
                break;
            case "telemetryAheadOfAlarms":
                hub["routes"]!["gatewayTelemetryToUpstream"]!["priority"] = 0;
                break;
            case "bindElsewhere":
                options["HostConfig"]!["Binds"] = new JsonArray("/srv/eldercare/gateway:/data");
                gateway["settings"]!["createOptions"] = options.ToJsonString();
                break;
            case "devicePortNotBound":
                options["HostConfig"]!["PortBindings"]!.AsObject().Remove("1883/tcp");
                gateway["settings"]!["createOptions"] = options.ToJsonString();
                break;
            case "otherImage":
                gateway["settings"]!["image"] = "$CONTAINER_REGISTRY_ADDRESS/gateway:1.0.0";
                break;
            default:
                Assert.Fail("unknown breakage " + breakage);
                break;
        }

        var problems = IotEdgeManifestCheck.Problems(manifest.ToJsonString(), Dockerfile, Lanes);

        Assert.IsTrue(problems.Any(p => p.Contains(expected, StringComparison.Ordinal)), $"expected a problem with '{expected}', got:\n{string.Join("\n", problems)}");
    }

    [TestMethod]
    [DataRow("USER 1654", "USER root", "must be a non-root uid")]
    [DataRow("VOLUME /var/lib/eldercare-gateway", "VOLUME /data", "Dockerfile's VOLUME")]
    [DataRow("EXPOSE 1883 8080 8090", "EXPOSE 8080 8090", "EXPOSE in the Dockerfile False")]
    public void Dockerfile_Broken_ProblemFound(string original, string broken, string expected)
    {
        var text = Dockerfile;
        StringAssert.Contains(text, original);

        var problems = IotEdgeManifestCheck.Problems(Manifest, text.Replace(original, broken, StringComparison.Ordinal), Lanes);

        Assert.IsTrue(problems.Any(p => p.Contains(expected, StringComparison.Ordinal)), $"expected a problem with '{expected}', got:\n{string.Join("\n", problems)}");
    }

    [TestMethod]
    public void Manifest_NotJson_Reported()
    {
        var problems = IotEdgeManifestCheck.Problems("{ \"modulesContent\": ", Dockerfile, Lanes);

        StringAssert.StartsWith(problems.Single(), "manifest is not JSON");
    }
}
