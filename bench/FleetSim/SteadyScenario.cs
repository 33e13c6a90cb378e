using System.Diagnostics;
using System.Globalization;
using MQTTnet;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// A community gateway's ordinary day (issue 12): its store already holds <see cref="BenchSettings.SteadyPrefillEvents"/>
/// forwarded events (prefilled by the gateway's own store class, <see cref="StorePrefill"/>), then
/// <see cref="BenchSettings.SteadyDevices"/> devices publish QoS 1 heartbeats (window 1) at a steady total
/// <see cref="BenchSettings.SteadyEventsPerSecond"/>, spread evenly by one scheduler loop. After a warm-up, over a measured
/// window: the gateway's /proc/&lt;pid&gt;/io and CPU deltas per event the cloud stub confirmed (what an SD card and a
/// Raspberry Pi's CPU pay per event), and the largest <c>events.db-wal</c> sampled every 100 ms.
/// </summary>
public sealed class SteadyScenario(BenchEnvironment environment, BenchSettings settings, Report report, MqttClientFactory factory)
{
    private static readonly TimeSpan WalSampleInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    public async Task RunAsync(IReadOnlyList<string> deviceIds, CancellationToken cancellationToken)
    {
        var ids = deviceIds.Take(settings.SteadyDevices).ToList();
        var rate = settings.SteadyEventsPerSecond;
        var gatewayData = environment.NewDirectory("steady-gateway");

        // The prefill's events come from the same devices in an earlier boot epoch: the run's events (epoch 2) follow
        // them, as after a reboot of each pendant, so the gateway's sequence tracking sees nothing unusual.
        var prefill = await StorePrefill.RunAsync(gatewayData, ids, settings.SteadyPrefillEvents, bootEpoch: 1, rate, cancellationToken).ConfigureAwait(false);
        report.Note(string.Create(CultureInfo.InvariantCulture,
            $"steady prefill{(settings.IsQuick ? " (--quick: not 1,000,000)" : string.Empty)}: {prefill.Events:N0} heartbeats of {ids.Count} devices stored and marked forwarded through SqliteEventStore (appends in batches of 10,000 in flight, marks of 1,000 ids) in {prefill.Seconds:F1} s (appends {prefill.AppendSeconds:F1} s, {prefill.Commits} commits); store {prefill.StoreBytes / 1048576.0:F0} MB after closing"));

        using var http = new HttpClient();
        var (stub, stubUrl) = await environment.StartStubAsync(environment.NewDirectory("steady-stub")).ConfigureAwait(false);
        await using var stubProcess = stub;
        var start = Stopwatch.StartNew();
        var (gateway, mqttPort, gatewayUrl) = await environment.StartGatewayAsync(gatewayData, stubUrl).ConfigureAwait(false);
        await using var gatewayProcess = gateway;
        var startSeconds = start.Elapsed.TotalSeconds;
        await using var wal = new FileSizeSampler(Path.Combine(gatewayData, "events.db-wal"), WalSampleInterval);

        var fleet = new Fleet("127.0.0.1", mqttPort, Fleet.Create(factory, ids.Select(id => (id, RegistryWriter.SecretOf(id))), bootEpoch: 2));
        await fleet.ConnectAsync(fleet.Devices, settings.ConnectConcurrency, cancellationToken).ConfigureAwait(false);

        // Each device sends one heartbeat per interval; the fleet's one scheduler loop spreads them evenly (no burst
        // per second), so the gateway sees rate events/s, one every 1/rate s.
        var interval = TimeSpan.FromSeconds(ids.Count / rate);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeats = fleet.HeartbeatAsync(fleet.Devices, interval, running.Token);
        await Task.Delay(settings.SteadyWarmup, cancellationToken).ConfigureAwait(false);

        fleet.HeartbeatAckLatency.Reset();
        var cpu = new CpuWindow(new() { ["gateway"] = gateway.Id, ["stub"] = stub.Id, ["generator"] = Environment.ProcessId });
        var forwardedBefore = await ForwardedAsync(http, gatewayUrl).ConfigureAwait(false);
        var publishedBefore = fleet.Published;
        var acknowledgedBefore = fleet.Acknowledged;
        var ioBefore = IoCounters.Of(gateway.Id);
        cpu.Start();
        await Task.Delay(settings.SteadyWindow, cancellationToken).ConfigureAwait(false);
        var io = IoCounters.Of(gateway.Id) - ioBefore;
        cpu.Stop();
        var forwarded = await ForwardedAsync(http, gatewayUrl).ConfigureAwait(false) - forwardedBefore;
        var published = fleet.Published - publishedBefore;
        var acknowledged = fleet.Acknowledged - acknowledgedBefore;
        var windowSeconds = cpu.WallSeconds;

        await running.CancelAsync().ConfigureAwait(false);
        await heartbeats.ConfigureAwait(false);
        // Every acknowledged event must reach the stub (the prefill never did: the stub holds only this run's events).
        var drain = Stopwatch.StartNew();
        long atStub;
        while ((atStub = await BenchEnvironment.StubEventCountAsync(http, stubUrl).ConfigureAwait(false)) < fleet.Acknowledged && drain.Elapsed < DrainTimeout)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        await wal.StopAsync().ConfigureAwait(false);
        var walAtEnd = new FileInfo(Path.Combine(gatewayData, "events.db-wal")) is { Exists: true } w ? w.Length / 1048576.0 : 0;
        var dbMegabytes = new FileInfo(Path.Combine(gatewayData, "events.db")).Length / 1048576.0;
        var latencyP99 = fleet.HeartbeatAckLatency.PercentileMilliseconds(99);
        var latencyMax = fleet.HeartbeatAckLatency.MaxMilliseconds();
        var windowHeld = latencyMax < interval.TotalMilliseconds
            ? $"window 1 held: the slowest PUBACK ({latencyMax:F1} ms) came before the device's next heartbeat ({interval.TotalMilliseconds:F0} ms)"
            : $"window 1 NOT held: the slowest PUBACK took {latencyMax:F1} ms, longer than a device's heartbeat interval ({interval.TotalMilliseconds:F0} ms)";
        report.Note(string.Create(CultureInfo.InvariantCulture,
            $"steady: gateway ready {startSeconds:F1} s after start with {prefill.Events:N0} events in its store; {ids.Count} devices x 1 heartbeat per {interval.TotalSeconds:F3} s (QoS 1, one scheduler loop), {settings.SteadyWarmup.TotalSeconds:F0} s warm-up, window {windowSeconds:F1} s: published {published} ({published / windowSeconds:F1}/s), acknowledged {acknowledged}, confirmed by the stub {forwarded} ({forwarded / windowSeconds:F1}/s, target {rate:F0}/s); PUBACK p50 {fleet.HeartbeatAckLatency.PercentileMilliseconds(50):F1} / p99 {latencyP99:F1} / max {latencyMax:F1} ms, {windowHeld}; failed publishes {fleet.Failed} {fleet.LastError}; at the stub {atStub} of {fleet.Acknowledged} acknowledged after the run"));
        report.Note(string.Create(CultureInfo.InvariantCulture,
            $"steady gateway I/O over the window ({forwarded} events): {io.DescribePerEvent(Math.Max(1, forwarded))}; disk figure from {io.DiskSource}; events.db-wal max {wal.MaxMegabytes:F1} MB ({wal.Samples} samples every {WalSampleInterval.TotalMilliseconds:F0} ms), {walAtEnd:F1} MB at the end; events.db {dbMegabytes:F0} MB"));
        report.Note($"steady CPU: {cpu.Describe()} over {windowSeconds:F1} s");
        report.RecordWalPeak("steady", wal.MaxMegabytes);

        var perEvent = forwarded > 0 && atStub >= fleet.Acknowledged ? 1.0 / forwarded : double.NaN;
        var what = string.Create(CultureInfo.InvariantCulture, $"{ids.Count} devices at {forwarded / windowSeconds:F1} events/s for {windowSeconds:F0} s, store prefilled with {prefill.Events:N0} forwarded events");
        report.Add("disk_bytes_per_event_at_85_per_s", io.DiskWriteBytes * perEvent, $"gateway /proc io {(io.WriteBytes > 0 ? "write_bytes" : "wchar")} / events confirmed by the stub; {what}");
        report.Add("read_bytes_per_event_at_85_per_s", io.ReadChars * perEvent, "gateway /proc io rchar (read syscalls, page cache hits included) / events confirmed by the stub, same window");
        report.Add("gateway_cpu_us_per_event_at_85_per_s", 1e6 * cpu.Used["gateway"] * perEvent, "gateway CPU time (/proc stat) / events confirmed by the stub, same window");
        await fleet.DisconnectAsync(fleet.Devices, 200).ConfigureAwait(false);
    }

    private static async Task<long> ForwardedAsync(HttpClient http, string gatewayUrl) =>
        (long)await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_forwarded_total").ConfigureAwait(false);
}
