using System.Diagnostics;
using Eldercare.Firmware.Core.Events;
using MQTTnet;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// Durable ingest vs mosquitto relaying the same load: the same connections each publish the same number
/// of QoS 1 events (window 1, as the firmware sender). Gateway: counted when the cloud stub holds every
/// event (PUBACK after fsync, dedup, forwarded). mosquitto: counted when its one QoS 1 subscriber got every
/// event. Either side short of the total is reported as loss, not as a rate.
/// </summary>
public sealed class IngestScenario(BenchEnvironment environment, BenchSettings settings, Report report, MqttClientFactory factory)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    // Warm-up rounds the gateway needed (the mosquitto run repeats as many).
    private int _warmupRounds;

    // What each run cost per event, for naming the bound when the ratio is under 1.
    private (double GatewayUs, double StubUs, double GeneratorUs, double WallSeconds, double BusyCores, double WriteBytes)? _gatewayCost;
    private (double MosquittoUs, double GeneratorUs, double BusyCores)? _relayCost;

    public async Task RunAsync(IReadOnlyList<string> deviceIds, CancellationToken cancellationToken)
    {
        var ids = deviceIds.Take(settings.IngestDevices).ToList();
        var total = (long)ids.Count * settings.IngestEventsPerDevice;
        var gatewayRate = await RunGatewayAsync(ids, total, cancellationToken).ConfigureAwait(false);
        var relayRate = await RunMosquittoAsync(ids, total, cancellationToken).ConfigureAwait(false);
        var ratio = double.IsNaN(gatewayRate) || double.IsNaN(relayRate) ? double.NaN : gatewayRate / relayRate;
        report.Add("ingest_ratio_vs_mosquitto", ratio, "gateway end to end (durable + forwarded) / mosquitto end to end (memory)");
        if (ratio < 1.0 && _gatewayCost is { } g && _relayCost is { } m)
        {
            report.Bound = NameBound(g, m, gatewayRate);
            Console.WriteLine("# bound: " + report.Bound);
        }
    }

    /// <summary>
    /// The bound of the ingest figure, named from this run's own measurements: when the processes of the gateway
    /// run kept the machine's cores (nearly) all busy, it is CPU, and the per-event costs say whose; otherwise the
    /// pipeline waited on something other than CPU (the per-commit fsync is then the first suspect).
    /// </summary>
    private static string NameBound((double GatewayUs, double StubUs, double GeneratorUs, double WallSeconds, double BusyCores, double WriteBytes) g,
        (double MosquittoUs, double GeneratorUs, double BusyCores) m, double gatewayRate)
    {
        var cores = Environment.ProcessorCount;
        var perEvent = g.GatewayUs + g.StubUs + g.GeneratorUs;
        var ceiling = cores * 1e6 / perEvent;
        var budget = m.MosquittoUs + m.GeneratorUs - g.GeneratorUs;
        var costs = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"per event the gateway used {g.GatewayUs:F0} us of CPU, the cloud stub {g.StubUs:F0} us and the simulator {g.GeneratorUs:F0} us ({perEvent:F0} us: at most {ceiling:F0} events/s on {cores} cores; measured {gatewayRate:F0}); the mosquitto run used {m.MosquittoUs:F0} us (mosquitto) + {m.GeneratorUs:F0} us (simulator and subscriber). For a ratio of 1.0 the gateway and the stub together would have to fit in ~{Math.Max(0, budget):F0} us per event, against {g.GatewayUs + g.StubUs:F0}. The gateway also wrote {g.WriteBytes / 1024:F1} KiB to disk per event (WAL pages, one fsync per commit before any PUBACK).");
        return g.BusyCores >= 0.85 * cores
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"**CPU**: during the gateway run the measured processes kept {g.BusyCores:F2} of the {cores} cores busy; {costs} Profile (perf, dotnet-trace): edge/README.md \"What the profile showed\" and \"Bounds that remain\" (kernel TCP and WAL I/O ~48%, SQLite ~19%, managed ~15% of the gateway).")
            : string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"**not CPU alone**: the measured processes kept only {g.BusyCores:F2} of the {cores} cores busy, so the pipeline also waited (first suspect: the fsync per commit); {costs}");
    }

    private async Task<double> RunGatewayAsync(List<string> ids, long total, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var (stub, stubUrl) = await environment.StartStubAsync(environment.NewDirectory("ingest-stub")).ConfigureAwait(false);
        await using var stubProcess = stub;
        var gatewayData = environment.NewDirectory("ingest-gateway");
        var (gateway, mqttPort, gatewayUrl) = await environment.StartGatewayAsync(gatewayData, stubUrl).ConfigureAwait(false);
        await using var gatewayProcess = gateway;
        var fleet = new Fleet("127.0.0.1", mqttPort, Fleet.Create(factory, ids.Select(id => (id, RegistryWriter.SecretOf(id))), bootEpoch: 1));
        await fleet.ConnectAsync(fleet.Devices, settings.ConnectConcurrency, cancellationToken).ConfigureAwait(false);
        // Warm-up rounds until the JIT has settled (tiered compilation with PGO goes on for seconds after start):
        // a round whose JIT time is under 3% of its wall time, at most MaxWarmupRounds. The mosquitto run gets the
        // same number of rounds.
        var warmup = 0L;
        _warmupRounds = 0;
        while (_warmupRounds < settings.MaxWarmupRounds)
        {
            var jitBefore = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_jit_seconds_total").ConfigureAwait(false);
            var methodsBefore = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_jit_methods_total").ConfigureAwait(false);
            var round = Stopwatch.StartNew();
            await Task.WhenAll(fleet.Devices.Select(d => fleet.FlushAsync(d, settings.IngestWarmupEventsPerDevice, settings.Window, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat, cancellationToken))).ConfigureAwait(false);
            warmup += (long)ids.Count * settings.IngestWarmupEventsPerDevice;
            while (round.Elapsed < Deadline && await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_forwarded_total").ConfigureAwait(false) < warmup)
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }

            _warmupRounds++;
            var jitShare = (await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_jit_seconds_total").ConfigureAwait(false) - jitBefore) / round.Elapsed.TotalSeconds;
            var methods = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_jit_methods_total").ConfigureAwait(false) - methodsBefore;
            report.Note($"ingest (gateway) warm-up round {_warmupRounds}: {ids.Count * settings.IngestWarmupEventsPerDevice} events in {round.Elapsed.TotalSeconds:F1} s, JIT {100 * jitShare:F1}% of it ({methods:F0} methods compiled)");
            if (jitShare < 0.03)
            {
                break;
            }
        }

        fleet.AckLatency.Reset();
        var acknowledgedWarm = fleet.Acknowledged;

        var cpu = new CpuWindow(new() { ["gateway"] = gateway.Id, ["stub"] = stub.Id, ["generator"] = Environment.ProcessId });
        var ioBefore = IoCounters.Of(gateway.Id);
        var allocatedBefore = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_allocated_bytes_total").ConfigureAwait(false);
        var pauseBefore = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_gc_pause_seconds_total").ConfigureAwait(false);
        var gcBefore = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_gc_collections_total").ConfigureAwait(false);
        // The WAL's size under sustained load (a checkpoint that never resets it lets it grow without bound).
        var wal = new FileSizeSampler(Path.Combine(gatewayData, "events.db-wal"), TimeSpan.FromMilliseconds(100));
        await using var walSampler = wal.ConfigureAwait(false);
        cpu.Start();
        var watch = Stopwatch.StartNew();
        var flushes = fleet.Devices.Select(d => fleet.FlushAsync(d, settings.IngestEventsPerDevice, settings.Window, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat, cancellationToken)).ToList();
        await Task.WhenAll(flushes).ConfigureAwait(false);
        var acknowledgedSeconds = watch.Elapsed.TotalSeconds;
        // The gateway counts an event forwarded once the stub answered for it: a cheap counter to poll
        // (COUNT(*) at the stub would compete with the stub's own inserts). Checked at the stub afterwards.
        while (watch.Elapsed < Deadline && await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_forwarded_total").ConfigureAwait(false) < warmup + total)
        {
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        var endToEndSeconds = watch.Elapsed.TotalSeconds;
        cpu.Stop();
        var io = IoCounters.Of(gateway.Id) - ioBefore;
        await wal.StopAsync().ConfigureAwait(false);
        var atStub = await BenchEnvironment.StubEventCountAsync(http, stubUrl).ConfigureAwait(false) - warmup;
        var acknowledged = fleet.Acknowledged - acknowledgedWarm;
        var writes = io.DiskWriteBytes;
        var allocatedPerEvent = (await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_allocated_bytes_total").ConfigureAwait(false) - allocatedBefore) / total;
        var gcPauseSeconds = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_gc_pause_seconds_total").ConfigureAwait(false) - pauseBefore;
        var collections = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_gc_collections_total").ConfigureAwait(false) - gcBefore;
        var stored = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_stored_total").ConfigureAwait(false);
        var duplicates = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_duplicates_total").ConfigureAwait(false);
        report.Note($"ingest (gateway): {ids.Count} connections x {settings.IngestEventsPerDevice} events (after {_warmupRounds} x {settings.IngestWarmupEventsPerDevice} each to warm up, not counted), window {settings.Window}: acknowledged {acknowledged}/{total} in {acknowledgedSeconds:F2} s, at the cloud stub {atStub}/{total} after {endToEndSeconds:F2} s; gateway stored {stored}, duplicates {duplicates}, failed publishes {fleet.Failed} {fleet.LastError}");
        report.Note($"ingest (gateway) CPU: {cpu.Describe()} over {cpu.WallSeconds:F2} s; gateway wrote {writes / (1024.0 * 1024):F1} MiB to disk, allocated {allocatedPerEvent:F0} B per event on the managed heap, {collections:F0} garbage collections pausing it {gcPauseSeconds:F2} s in total");
        report.Note($"ingest (gateway) I/O over the measured window ({total} events): {io.DescribePerEvent(total)}; disk figure from {io.DiskSource}; events.db-wal max {wal.MaxMegabytes:F1} MB ({wal.Samples} samples every 100 ms)");
        report.RecordWalPeak("ingest", wal.MaxMegabytes);
        report.Note($"ingest (gateway) PUBACK latency: p50 {fleet.AckLatency.PercentileMilliseconds(50):F1} ms, p99 {fleet.AckLatency.PercentileMilliseconds(99):F1} ms, max {fleet.AckLatency.MaxMilliseconds():F1} ms");
        var acknowledgedRate = acknowledged == total ? total / acknowledgedSeconds : double.NaN;
        report.Add("ingest_acked_events_per_s", acknowledgedRate, "all PUBACKs (each after fsync) received");
        report.Add("gateway_cpu_us_per_event", 1e6 * cpu.Used["gateway"] / total, "gateway CPU time / events, during the ingest run");
        report.Add("disk_bytes_per_event", (double)writes / total, $"gateway /proc io {(io.WriteBytes > 0 ? "write_bytes" : "wchar")} over the ingest run / events (full speed, fresh store)");
        report.Add("stub_cpu_us_per_event", 1e6 * cpu.Used["stub"] / total, "cloud stub CPU time / events");
        report.Add("generator_cpu_us_per_event", 1e6 * cpu.Used["generator"] / total, "fleet simulator CPU time / events (same in the mosquitto run)");
        _gatewayCost = (1e6 * cpu.Used["gateway"] / total, 1e6 * cpu.Used["stub"] / total, 1e6 * cpu.Used["generator"] / total,
            cpu.WallSeconds, cpu.Used.Values.Sum() / Math.Max(0.001, cpu.WallSeconds), (double)writes / total);
        await fleet.DisconnectAsync(fleet.Devices, 200).ConfigureAwait(false);
        if (atStub < total || acknowledged < total)
        {
            report.Add("ingest_events_per_s", $"LOSS(acked {acknowledged}, at stub {atStub} of {total})");
            return double.NaN;
        }

        var rate = total / endToEndSeconds;
        report.Add("ingest_events_per_s", rate, $"{total} events, {ids.Count} connections, counted at the cloud stub");
        return rate;
    }

    private async Task<double> RunMosquittoAsync(List<string> ids, long total, CancellationToken cancellationToken)
    {
        const string SinkUser = "bench-sink";
        var (broker, port) = await environment.StartMosquittoAsync(ids, SinkUser).ConfigureAwait(false);
        await using var brokerProcess = broker;
        using var sink = factory.CreateMqttClient();
        var received = new HashSet<string>(StringComparer.Ordinal);
        long messages = 0;
        var warmup = (long)ids.Count * settings.IngestWarmupEventsPerDevice * _warmupRounds;
        var warm = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sink.ApplicationMessageReceivedAsync += args =>
        {
            var payload = System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(args.ApplicationMessage.Payload));
            lock (received)
            {
                messages++;
                if (received.Add(payload) && received.Count == warmup)
                {
                    warm.TrySetResult();
                }

                if (received.Count == warmup + total)
                {
                    all.TrySetResult();
                }
            }

            return Task.CompletedTask;
        };
        await sink.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(SinkUser).WithCredentials(SinkUser, RegistryWriter.SecretOf(SinkUser))
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithCleanStart(true).Build(), cancellationToken).ConfigureAwait(false);
        await sink.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Topics.Events(Topics.AnyDevice), MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken).ConfigureAwait(false);

        var fleet = new Fleet("127.0.0.1", port, Fleet.Create(factory, ids.Select(id => (id, RegistryWriter.SecretOf(id))), bootEpoch: 1));
        await fleet.ConnectAsync(fleet.Devices, settings.ConnectConcurrency, cancellationToken).ConfigureAwait(false);
        for (var round = 0; round < _warmupRounds; round++)
        {
            await Task.WhenAll(fleet.Devices.Select(d => fleet.FlushAsync(d, settings.IngestWarmupEventsPerDevice, settings.Window, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat, cancellationToken))).ConfigureAwait(false);
        }

        if (warmup > 0)
        {
            await Task.WhenAny(warm.Task, Task.Delay(Deadline, cancellationToken)).ConfigureAwait(false);
        }

        var acknowledgedWarm = fleet.Acknowledged;
        var cpu = new CpuWindow(new() { ["mosquitto"] = broker.Id, ["generator+subscriber"] = Environment.ProcessId });
        cpu.Start();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(fleet.Devices.Select(d => fleet.FlushAsync(d, settings.IngestEventsPerDevice, settings.Window, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat, cancellationToken))).ConfigureAwait(false);
        var acknowledgedSeconds = watch.Elapsed.TotalSeconds;
        await Task.WhenAny(all.Task, Task.Delay(Deadline, cancellationToken)).ConfigureAwait(false);
        var endToEndSeconds = watch.Elapsed.TotalSeconds;
        cpu.Stop();
        long got;
        lock (received)
        {
            got = received.Count - warmup;
        }

        var acknowledged = fleet.Acknowledged - acknowledgedWarm;

        _relayCost = (1e6 * cpu.Used["mosquitto"] / total, 1e6 * cpu.Used["generator+subscriber"] / total, cpu.Used.Values.Sum() / Math.Max(0.001, cpu.WallSeconds));
        report.Note($"mosquitto relay (after the same warm-up): acknowledged {acknowledged}/{total} in {acknowledgedSeconds:F2} s, subscriber got {got} distinct ({Interlocked.Read(ref messages)} messages) after {endToEndSeconds:F2} s; CPU: {cpu.Describe()}");
        await fleet.DisconnectAsync(fleet.Devices, 200).ConfigureAwait(false);
        await sink.DisconnectAsync().ConfigureAwait(false);
        if (got < total || acknowledged < total)
        {
            report.Add("mosquitto_relay_events_per_s", $"LOSS(acked {acknowledged}, subscriber {got} of {total})");
            return double.NaN;
        }

        var rate = total / endToEndSeconds;
        report.Add("mosquitto_relay_events_per_s", rate, $"{total} events, {ids.Count} connections, counted at the QoS 1 subscriber");
        return rate;
    }
}
