using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Eldercare.Bench.FleetSim;
using MQTTnet;

var quick = new Option<bool>("--quick") { Description = "smaller N: the whole run within 2 minutes" };
var repository = new Option<DirectoryInfo>("--repo") { Description = "repository root (Release builds of the gateway and the cloud stub)", DefaultValueFactory = _ => new DirectoryInfo(".") };
var work = new Option<DirectoryInfo>("--work") { Description = "scratch directory for data, registry, configs", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(Path.GetTempPath(), "eldercare-bench")) };
var results = new Option<FileInfo>("--results") { Description = "Markdown results file", DefaultValueFactory = _ => new FileInfo("bench/results.md") };
var detector = new Option<FileInfo?>("--detector-output") { Description = "output of bench/DetectorBench to take the detector figures from" };
var only = new Option<string[]>("--only") { Description = "scenarios to run: ingest, fleet, ack, drain, steady (default all)", AllowMultipleArgumentsPerToken = true };

var bench = new Command("bench", "run the scenarios of ./bench.sh and write the results") { quick, repository, work, results, detector, only };
bench.SetAction(async (parse, cancellationToken) =>
{
    var settings = parse.GetValue(quick) ? BenchSettings.Quick : BenchSettings.Full;
    var scenarios = parse.GetValue(only) is { Length: > 0 } chosen ? chosen.ToHashSet() : ["ingest", "fleet", "ack", "drain", "steady"];
    var report = new Report();
    var environment = new BenchEnvironment(parse.GetValue(repository)!.FullName, parse.GetValue(work)!.FullName);
    var factory = new MqttClientFactory();
    var elapsed = Stopwatch.StartNew();
    // At most 16 pool threads: with 64 at start the simulator ran ~84 threads, and at nice 10 their summed CFS weight
    // (~84 x 110) matched ~9 threads at nice 0, so it took the gateway's and the stub's CPU after all. With 16 the
    // storm is as strong (bench/README.md "Priorities").
    ThreadPool.SetMinThreads(8, 8);
    ThreadPool.SetMaxThreads(16, 16);
    SimulatorPriority.Lower(10);
    var simulatorGen0 = Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? "default";
    report.Note($"simulator (and mosquitto's QoS 1 subscriber) at nice {SimulatorPriority.Nice}; gateway, cloud stub and mosquitto at nice 0, the cloud stub at nice {BenchEnvironment.LatencyStubNice} in the fleet and ack scenarios (bench/README.md \"Priorities\"); simulator GC latency mode {System.Runtime.GCSettings.LatencyMode} (Interactive: background gen2), gen0 budget {simulatorGen0} (bench.sh sets it)");

    var ids = Enumerable.Range(0, settings.TotalDevices).Select(i => $"bench-{i:00000}").ToList();
    RegistryWriter.Write(environment.RegistryPath, ids, settings.RegistryIterations);
    report.Note($"registry: {ids.Count} devices, PBKDF2-SHA256 {settings.RegistryIterations} iterations, written in {elapsed.Elapsed.TotalSeconds:F1} s");
    var pbkdf2 = RegistryWriter.MeasureVerifyMilliseconds(100_000);
    report.Add("pbkdf2_100k_iterations_ms", pbkdf2, "one verification at the gateway's default iterations: a first-connect storm of 10k devices costs 10k x this on the verification slots");

    if (scenarios.Contains("ingest"))
    {
        await new IngestScenario(environment, settings, report, factory).RunAsync(ids, cancellationToken);
    }

    if (scenarios.Contains("drain"))
    {
        await new DrainScenario(environment, settings, report, factory).RunAsync(ids, cancellationToken);
    }

    if (scenarios.Contains("fleet"))
    {
        var boot = 10;
        foreach (var size in settings.FleetSizes)
        {
            await new FleetScenario(environment, settings, report, factory).RunAsync(ids, size, boot, cancellationToken);
            boot += 10;
        }
    }

    if (scenarios.Contains("ack"))
    {
        // Issue 13: operator acknowledgement -> the device's ack command, the largest fleet connected.
        await new AckScenario(environment, settings, report, factory).RunAsync(ids, bootEpoch: 90, cancellationToken);
    }

    if (scenarios.Contains("steady"))
    {
        await new SteadyScenario(environment, settings, report, factory).RunAsync(ids, cancellationToken);
    }

    report.AddWalMaximum();
    if (parse.GetValue(detector) is { Exists: true } detectorFile)
    {
        AddDetectorFigures(report, detectorFile.FullName);
    }

    report.WriteMarkdown(parse.GetValue(results)!.FullName, settings, elapsed.Elapsed);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench_seconds={elapsed.Elapsed.TotalSeconds:F0}"));
    return 0;
});

var root = new RootCommand("Fleet simulator and bench driver for the eldercare gateway (bench/README.md)") { bench };
return await root.Parse(args).InvokeAsync();

// DetectorBench prints one block per placement; the figure is the worst placement.
static void AddDetectorFigures(Report report, string path)
{
    var lines = File.ReadAllLines(path);
    foreach (var name in new[] { "detector_ns_per_sample", "detector_allocs_per_sample" })
    {
        var values = lines.Where(l => l.StartsWith(name + "=", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(name.Length + 1)..].Split(' ')[0], CultureInfo.InvariantCulture)).ToList();
        if (values.Count > 0)
        {
            report.Add(name, values.Max(), $"bench/DetectorBench, worst of {values.Count} placements");
        }
    }
}
