using System.Diagnostics;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// One gateway run of the ingest load: a fresh cloud stub and gateway, the connections, warm-up rounds until the
/// gateway's JIT has settled, then N connections x M heartbeat events (QoS 1, the firmware's window); counted when the
/// gateway has forwarded every event to the stub (PUBACK after fsync, dedup, forwarded), checked at the stub.
/// </summary>
public sealed class GatewayIngestRun(BenchEnvironment environment, BenchSettings settings, Report report, MQTTnet.MqttClientFactory factory)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    public async Task<GatewayResult> RunAsync(IReadOnlyList<string> ids, long total, int round, CancellationToken cancellationToken)
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
        // a round whose JIT time is under 3% of its wall time, at most MaxWarmupRounds. The peers' runs of the same
        // bench round get as many warm-up rounds.
        var warmup = 0L;
        var warmupRounds = 0;
        while (warmupRounds < settings.MaxWarmupRounds)
        {
            var jitBefore = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_jit_seconds_total").ConfigureAwait(false);
            var methodsBefore = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_jit_methods_total").ConfigureAwait(false);
            var warmupWatch = Stopwatch.StartNew();
            await Task.WhenAll(fleet.Devices.Select(d => fleet.FlushAsync(d, settings.IngestWarmupEventsPerDevice, settings.Window, Eldercare.Firmware.Core.Events.EventTypes.Heartbeat, cancellationToken))).ConfigureAwait(false);
            warmup += (long)ids.Count * settings.IngestWarmupEventsPerDevice;
            while (warmupWatch.Elapsed < Deadline && await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_forwarded_total").ConfigureAwait(false) < warmup)
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }

            warmupRounds++;
            var jitShare = (await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_jit_seconds_total").ConfigureAwait(false) - jitBefore) / warmupWatch.Elapsed.TotalSeconds;
            var methods = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_jit_methods_total").ConfigureAwait(false) - methodsBefore;
            report.Note($"round {round}, gateway warm-up round {warmupRounds}: {ids.Count * settings.IngestWarmupEventsPerDevice} events in {warmupWatch.Elapsed.TotalSeconds:F1} s, JIT {100 * jitShare:F1}% of it ({methods:F0} methods compiled)");
            if (jitShare < 0.03)
            {
                break;
            }
        }

        fleet.AckLatency.Reset();
        var acknowledgedWarm = fleet.Acknowledged;

        var cpu = new CpuWindow(new() { ["gateway"] = gateway.Id, ["stub"] = stub.Id, ["generator"] = Environment.ProcessId });
        var ioBefore = IoCounters.Of(gateway.Id);
        // The WAL's size under sustained load (a checkpoint that never resets it lets it grow without bound).
        var wal = new FileSizeSampler(Path.Combine(gatewayData, "events.db-wal"), TimeSpan.FromMilliseconds(100));
        await using var walSampler = wal.ConfigureAwait(false);
        var allocatedBefore = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_allocated_bytes_total").ConfigureAwait(false);
        var pauseBefore = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_gc_pause_seconds_total").ConfigureAwait(false);
        var gcBefore = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_gc_collections_total").ConfigureAwait(false);
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
        var atStub = await BenchEnvironment.StubEventCountAsync(http, stubUrl).ConfigureAwait(false) - warmup;
        var acknowledged = fleet.Acknowledged - acknowledgedWarm;
        var io = IoCounters.Of(gateway.Id) - ioBefore;
        await wal.StopAsync().ConfigureAwait(false);
        var writes = io.DiskWriteBytes;
        var allocatedPerEvent = (await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_allocated_bytes_total").ConfigureAwait(false) - allocatedBefore) / total;
        var gcPauseSeconds = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_gc_pause_seconds_total").ConfigureAwait(false) - pauseBefore;
        var collections = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_gc_collections_total").ConfigureAwait(false) - gcBefore;
        var stored = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_stored_total").ConfigureAwait(false);
        var duplicates = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_duplicates_total").ConfigureAwait(false);
        report.Note($"round {round}, gateway: {ids.Count} connections x {settings.IngestEventsPerDevice} events (after {warmupRounds} x {settings.IngestWarmupEventsPerDevice} each to warm up, not counted), window {settings.Window}: acknowledged {acknowledged}/{total} in {acknowledgedSeconds:F2} s, at the cloud stub {atStub}/{total} after {endToEndSeconds:F2} s; gateway stored {stored}, duplicates {duplicates}, failed publishes {fleet.Failed} {fleet.LastError}");
        report.Note($"round {round}, gateway CPU: {cpu.Describe()} over {cpu.WallSeconds:F2} s; gateway wrote {writes / (1024.0 * 1024):F1} MiB to disk, allocated {allocatedPerEvent:F0} B per event on the managed heap, {collections:F0} garbage collections pausing it {gcPauseSeconds:F2} s in total");
        report.Note($"round {round}, gateway I/O over the measured window ({total} events): {io.DescribePerEvent(total)}; disk figure from {io.DiskSource}; events.db-wal max {wal.MaxMegabytes:F1} MB ({wal.Samples} samples every 100 ms)");
        report.RecordWalPeak($"ingest round {round}", wal.MaxMegabytes);
        report.Note($"round {round}, gateway PUBACK latency: p50 {fleet.AckLatency.PercentileMilliseconds(50):F1} ms, p99 {fleet.AckLatency.PercentileMilliseconds(99):F1} ms, max {fleet.AckLatency.MaxMilliseconds():F1} ms");
        await fleet.DisconnectAsync(fleet.Devices, 200).ConfigureAwait(false);
        var busyCores = cpu.Used.Values.Sum() / Math.Max(0.001, cpu.WallSeconds);
        return new GatewayResult(
            atStub < total || acknowledged < total ? double.NaN : total / endToEndSeconds,
            atStub < total || acknowledged < total ? $"acked {acknowledged}, at stub {atStub} of {total}" : null,
            acknowledged == total ? total / acknowledgedSeconds : double.NaN,
            1e6 * cpu.Used["gateway"] / total,
            1e6 * cpu.Used["stub"] / total,
            1e6 * cpu.Used["generator"] / total,
            busyCores,
            (double)writes / total,
            warmupRounds);
    }
}
