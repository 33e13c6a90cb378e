using System.Text.Json.Nodes;
using Eldercare.Edge.Gateway.Hosting;
using Eldercare.Edge.Gateway.ModuleTwin;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.ModuleTwin;

/// <summary>The gateway as an IoT Edge module, on a fake twin: real GatewayHosts on loopback, real files.</summary>
[TestClass]
[TestCategory("Integration")]
public sealed class ModuleTwinRunnerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [TestMethod]
    public async Task Start_ValidDesired_AppliedKeptAndReported()
    {
        using var directory = new TempDirectory("twin");
        var twin = new FakeModuleTwin("""{"gateway": {"forwarder": {"gatewayId": "gw-77", "alarmStreams": 1}}, "$version": 3}""");
        var runner = NewRunner(directory, twin);

        await runner.StartAsync(CancellationToken.None);
        await using var host = runner.Host;

        Assert.AreEqual("gw-77", host.Options.Forwarder.GatewayId);
        Assert.AreEqual(1, host.Options.Forwarder.AlarmStreams);
        var reported = Last(twin);
        Assert.AreEqual("applied", reported["status"]!.GetValue<string>());
        Assert.AreEqual(3L, reported["appliedVersion"]!.GetValue<long>());
        Assert.AreEqual("gw-77", reported["gatewayId"]!.GetValue<string>());
        Assert.AreEqual(3L, AppliedTwinFile.Read(DataDirectory(directory))!.Version, "kept for a later refused version");
    }

    [TestMethod]
    public async Task Start_InvalidDesired_RunsOnTheLastAppliedVersionAndReportsWhy()
    {
        using var directory = new TempDirectory("twin");
        AppliedTwinFile.Write(DataDirectory(directory), TwinSettings.Read("""{"gateway": {"forwarder": {"gatewayId": "gw-55"}}, "$version": 2}"""));
        // Well-formed for the twin, refused by the gateway's own validation (the same message as a bad appsettings.json).
        var twin = new FakeModuleTwin("""{"gateway": {"forwarder": {"gatewayId": "gw-66", "batchSize": 0}}, "$version": 4}""");
        var error = new StringWriter();
        var runner = NewRunner(directory, twin, error);

        await runner.StartAsync(CancellationToken.None);
        await using var host = runner.Host;

        Assert.AreEqual("gw-55", host.Options.Forwarder.GatewayId, "the last applied version runs, not the refused one nor the defaults");
        var reported = Last(twin);
        Assert.AreEqual("rejected", reported["status"]!.GetValue<string>());
        Assert.AreEqual(4L, reported["desiredVersion"]!.GetValue<long>());
        Assert.AreEqual(2L, reported["appliedVersion"]!.GetValue<long>());
        StringAssert.Contains(reported["problems"]!["1"]!.GetValue<string>(), "BatchSize");
        StringAssert.Contains(error.ToString(), "desired version 4 refused");
    }

    [TestMethod]
    public async Task Start_InvalidDesiredNothingApplied_RunsOnTheBaseConfiguration()
    {
        using var directory = new TempDirectory("twin");
        var twin = new FakeModuleTwin("""{"gateway": {"forwarder": {"apiKey": "k"}}, "$version": 1}""");
        var runner = NewRunner(directory, twin);

        await runner.StartAsync(CancellationToken.None);
        await using var host = runner.Host;

        Assert.AreEqual("gw-01", host.Options.Forwarder.GatewayId);
        Assert.IsNull(runner.Applied);
        Assert.AreEqual("rejected", Last(twin)["status"]!.GetValue<string>());
    }

    [TestMethod]
    public async Task DesiredChanged_Invalid_ReportedAndTheGatewayKeepsRunning()
    {
        using var directory = new TempDirectory("twin");
        var twin = new FakeModuleTwin("""{"gateway": {"forwarder": {"gatewayId": "gw-77"}}, "$version": 3}""");
        var runner = NewRunner(directory, twin);
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);
        await Eventually.WaitAsync(() => twin.Reported.Count > 0, Timeout, "first report");

        await twin.ChangeAsync("""{"gateway": {"forwarder": {"gatewayId": "gw-77", "alarmStreams": 99}}, "$version": 4}""");

        var reported = Last(twin);
        Assert.AreEqual("rejected", reported["status"]!.GetValue<string>());
        Assert.AreEqual(3L, reported["appliedVersion"]!.GetValue<long>());
        StringAssert.Contains(reported["problems"]!["1"]!.GetValue<string>(), "AlarmStreams");
        Assert.IsFalse(run.IsCompleted, "a refused version never stops the gateway");
        await stop.CancelAsync();
        Assert.AreEqual(0, await run.WaitAsync(Timeout));
    }

    [TestMethod]
    public async Task DesiredChanged_ValidAndDifferent_StopsWithTheRestartCode()
    {
        using var directory = new TempDirectory("twin");
        var twin = new FakeModuleTwin("""{"gateway": {"forwarder": {"gatewayId": "gw-77"}}, "$version": 3}""");
        var runner = NewRunner(directory, twin);
        var run = runner.RunAsync(CancellationToken.None);
        await Eventually.WaitAsync(() => twin.Reported.Count > 0, Timeout, "first report");

        await twin.ChangeAsync("""{"gateway": {"forwarder": {"gatewayId": "gw-78"}}, "$version": 5}""");

        Assert.AreEqual(ModuleTwinRunner.RestartExitCode, await run.WaitAsync(Timeout));
        var reported = Last(twin);
        Assert.AreEqual("restarting", reported["status"]!.GetValue<string>());
        Assert.AreEqual(5L, reported["desiredVersion"]!.GetValue<long>());
    }

    [TestMethod]
    public async Task DesiredChanged_SameSettings_AppliedWithoutARestart()
    {
        using var directory = new TempDirectory("twin");
        var twin = new FakeModuleTwin("""{"gateway": {"forwarder": {"gatewayId": "gw-77"}}, "$version": 3}""");
        var runner = NewRunner(directory, twin);
        await runner.StartAsync(CancellationToken.None);
        await using var host = runner.Host;

        // Another section changed (a version bump the gateway's settings do not see).
        await twin.ChangeAsync("""{"gateway": {"forwarder": {"gatewayId": "gw-77"}}, "other": 1, "$version": 6}""");

        var reported = Last(twin);
        Assert.AreEqual("applied", reported["status"]!.GetValue<string>());
        Assert.AreEqual(6L, reported["appliedVersion"]!.GetValue<long>());
    }

    [TestMethod]
    public async Task Start_TwinOutOfReach_RunsOnTheLastAppliedVersionThenRestartsForTheTwinsOne()
    {
        using var directory = new TempDirectory("twin");
        AppliedTwinFile.Write(DataDirectory(directory), TwinSettings.Read("""{"gateway": {"forwarder": {"gatewayId": "gw-55"}}, "$version": 2}"""));
        var twin = new FakeModuleTwin("""{"gateway": {"forwarder": {"gatewayId": "gw-88"}}, "$version": 9}""") { ReadFailures = 2 };
        var error = new StringWriter();
        var runner = NewRunner(directory, twin, error, twinRetry: TimeSpan.FromMilliseconds(50));

        var run = runner.RunAsync(CancellationToken.None);

        // The gateway runs at once on what it last applied; the twin, reached on a later try, differs: restart for it.
        Assert.AreEqual(ModuleTwinRunner.RestartExitCode, await run.WaitAsync(Timeout));
        Assert.AreEqual("gw-55", runner.Host.Options.Forwarder.GatewayId);
        StringAssert.Contains(error.ToString(), "module twin: not read within");
        StringAssert.Contains(error.ToString(), "running on applied version 2");
        var reported = Last(twin);
        Assert.AreEqual("restarting", reported["status"]!.GetValue<string>());
        Assert.AreEqual(9L, reported["desiredVersion"]!.GetValue<long>());
    }

    private static string DataDirectory(TempDirectory directory) => directory.File("data");

    private static ModuleTwinRunner NewRunner(TempDirectory directory, FakeModuleTwin twin, StringWriter? error = null, TimeSpan? twinRetry = null)
    {
        var registry = directory.File("devices.json");
        if (!File.Exists(registry))
        {
            DeviceRegistryFile.Upsert(registry, [SecretHasher.CreateRecord("pendant-0001", "secret-pendant-0001", iterations: 1_000)]);
        }

        string[] baseArguments =
        [
            $"--Gateway:Store:DataDirectory={DataDirectory(directory)}",
            $"--Gateway:Registry:Path={registry}",
            "--Gateway:Mqtt:BindAddress=127.0.0.1",
            $"--Gateway:Mqtt:Port={FreePort.Next()}",
            "--Gateway:Http:BindAddress=127.0.0.1",
            "--Gateway:Http:Port=0",
            "--Gateway:Forwarder:CloudUrl=http://127.0.0.1:9",
        ];
        return new ModuleTwinRunner(twin, baseArguments, arguments => GatewayHost.Create(arguments, contentRoot: directory.Path), TextWriter.Null, error ?? new StringWriter())
        {
            TwinRetry = twinRetry ?? TimeSpan.FromSeconds(30),
        };
    }

    private static JsonNode Last(FakeModuleTwin twin) => JsonNode.Parse(twin.Reported[^1])!["gateway"]!;
}
