using System.Diagnostics;
using System.Text.Json;
using MQTTnet;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// One fleet size on a fresh gateway + cloud stub: connect all N devices (bounded concurrency), heartbeats
/// from all, SOS alarms from <see cref="BenchSettings.AlarmDevices"/> devices that stay connected; then all the
/// others drop and reconnect at once (new boot epoch) and flush their outboxes — the power-cut storm. Alarm
/// latency = device publish -> stored at the cloud stub (its cloudRx), for the alarms sent during the storm.
/// </summary>
public sealed class FleetScenario(BenchEnvironment environment, BenchSettings settings, Report report, MqttClientFactory factory)
{
    public async Task RunAsync(IReadOnlyList<string> deviceIds, int size, int bootEpoch, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var (stub, stubUrl) = await environment.StartStubAsync(environment.NewDirectory($"fleet{size}-stub"), BenchEnvironment.LatencyStubNice).ConfigureAwait(false);
        await using var stubProcess = stub;
        var (gateway, mqttPort, gatewayUrl) = await environment.StartGatewayAsync(environment.NewDirectory($"fleet{size}-gateway"), stubUrl).ConfigureAwait(false);
        await using var gatewayProcess = gateway;
        var rssIdleStart = gateway.ResidentMegabytes();
        var fleet = new Fleet("127.0.0.1", mqttPort, Fleet.Create(factory, deviceIds.Take(size).Select(id => (id, RegistryWriter.SecretOf(id))), bootEpoch));
        var alarmDevices = fleet.Devices.Take(settings.AlarmDevices).ToList();
        var stormDevices = fleet.Devices.Skip(settings.AlarmDevices).ToList();

        var watch = Stopwatch.StartNew();
        await fleet.ConnectAsync(fleet.Devices, settings.ConnectConcurrency, cancellationToken).ConfigureAwait(false);
        var connectSeconds = watch.Elapsed.TotalSeconds;

        using var background = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeats = fleet.HeartbeatAsync(fleet.Devices, settings.HeartbeatInterval, background.Token);
        var rssPeak = 0.0;
        var storming = false;
        var queueSamples = new List<(double Gateway, double Waiting, double Local)>();
        var sampler = Task.Run(async () =>
        {
            while (!background.IsCancellationRequested)
            {
                rssPeak = Math.Max(rssPeak, gateway.ResidentMegabytes());
                if (Volatile.Read(ref storming))
                {
                    // Where a storm's backlog waits: the gateway's thread pool queue, its telemetry admission, this process's queue.
                    try
                    {
                        var text = await http.GetStringAsync(gatewayUrl + "/metrics").ConfigureAwait(false);
                        lock (queueSamples)
                        {
                            queueSamples.Add((BenchEnvironment.ParseMetric(text, "gateway_threadpool_queue"), BenchEnvironment.ParseMetric(text, "gateway_telemetry_waiting"), ThreadPool.PendingWorkItemCount));
                        }
                    }
                    catch (HttpRequestException)
                    {
                    }
                }

                await Task.Delay(200, CancellationToken.None).ConfigureAwait(false);
            }
        }, CancellationToken.None);

        // Idle phase: connected and heartbeating, alarms now and then.
        using (var idleAlarms = CancellationTokenSource.CreateLinkedTokenSource(background.Token))
        {
            var alarms = fleet.AlarmsAsync(alarmDevices, settings.AlarmsPerSecond, idleAlarms.Token);
            await Task.Delay(settings.IdlePhase, cancellationToken).ConfigureAwait(false);
            idleAlarms.Cancel();
            await alarms.ConfigureAwait(false);
        }

        var rssConnected = gateway.ResidentMegabytes();
        var memory = ProcStat.MemoryBreakdown(gateway.Id);
        var gcHeapMb = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_gc_heap_bytes").ConfigureAwait(false) / 1048576.0;
        var gcCommittedMb = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_gc_committed_bytes").ConfigureAwait(false) / 1048576.0;
        var idleAlarmIds = fleet.AlarmSendTimes.Keys.ToHashSet(StringComparer.Ordinal);

        // Storm: everyone else drops, reboots, reconnects and flushes; alarms keep coming from the others.
        await fleet.DisconnectAsync(stormDevices, 200).ConfigureAwait(false);
        foreach (var device in stormDevices)
        {
            device.Reboot();
        }

        var acknowledgedBefore = fleet.Acknowledged;
        var cpu = new CpuWindow(new() { ["gateway"] = gateway.Id });
        using var stormAlarms = CancellationTokenSource.CreateLinkedTokenSource(background.Token);
        var alarmsDuringStorm = fleet.AlarmsAsync(alarmDevices, settings.AlarmsPerSecond, stormAlarms.Token);
        var pauseBefore = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_gc_pause_seconds_total").ConfigureAwait(false);
        var gen2Before = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_gc_gen2_collections_total").ConfigureAwait(false);
        var gcBefore = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_gc_collections_total").ConfigureAwait(false);
        cpu.Start();
        Volatile.Write(ref storming, true);
        var storm = Stopwatch.StartNew();
        await fleet.ReconnectAndFlushAsync(stormDevices, settings.ConnectConcurrency, settings.BurstEventsPerDevice, settings.Window, cancellationToken).ConfigureAwait(false);
        var reconnectSeconds = storm.Elapsed.TotalSeconds;
        await fleet.WaitForFlushesAsync(cancellationToken).ConfigureAwait(false);
        var stormSeconds = storm.Elapsed.TotalSeconds;
        cpu.Stop();
        Volatile.Write(ref storming, false);
        var gcPauseMs = 1000 * (await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_gc_pause_seconds_total").ConfigureAwait(false) - pauseBefore);
        var gen2 = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_gc_gen2_collections_total").ConfigureAwait(false) - gen2Before;
        var collections = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_gc_collections_total").ConfigureAwait(false) - gcBefore;
        stormAlarms.Cancel();
        await alarmsDuringStorm.ConfigureAwait(false);
        var burstEvents = (long)stormDevices.Count * settings.BurstEventsPerDevice;
        var burstRate = burstEvents / stormSeconds;

        background.Cancel();
        await heartbeats.ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        rssPeak = Math.Max(rssPeak, ProcStat.PeakResidentMegabytes(gateway.Id));

        // Wait until the stub holds every alarm, then read their cloud receive times.
        var alarmCount = fleet.AlarmSendTimes.Count;
        var deadline = Stopwatch.StartNew();
        JsonElement stored;
        while (true)
        {
            stored = await BenchEnvironment.GetJsonAsync(http, stubUrl + "/api/v1/events?type=sos").ConfigureAwait(false);
            if (stored.GetArrayLength() >= alarmCount || deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                break;
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        var stormLatency = new LatencyRecorder();
        var idleLatency = new LatencyRecorder();
        // Where a storm alarm's time goes: device publish -> gateway rx (MQTTnet receive, ingest) and gateway rx ->
        // stub cloudRx (store commit, forwarder, HTTP). Same host clock; rx and cloudRx are whole milliseconds.
        var stormToGateway = new LatencyRecorder();
        var stormGatewayToStub = new LatencyRecorder();
        foreach (var e in stored.EnumerateArray())
        {
            var id = e.GetProperty("id").GetString()!;
            if (fleet.AlarmSendTimes.TryGetValue(id, out var sentAt))
            {
                // cloudRx is whole milliseconds; the send time is fractional: clamp the sub-millisecond negative.
                var latency = Math.Max(0, e.GetProperty("cloudRx").GetInt64() - sentAt);
                (idleAlarmIds.Contains(id) ? idleLatency : stormLatency).RecordMilliseconds(latency);
                if (!idleAlarmIds.Contains(id))
                {
                    var gatewayRx = e.GetProperty("rx").GetInt64();
                    stormToGateway.RecordMilliseconds(Math.Max(0, gatewayRx - sentAt));
                    stormGatewayToStub.RecordMilliseconds(Math.Max(0, e.GetProperty("cloudRx").GetInt64() - gatewayRx));
                }
            }
        }

        string queues;
        lock (queueSamples)
        {
            queues = queueSamples.Count == 0 ? "no samples" : string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"gateway thread pool queue mean {queueSamples.Average(q => q.Gateway):F0} / max {queueSamples.Max(q => q.Gateway):F0}, telemetry waiting for admission mean {queueSamples.Average(q => q.Waiting):F0} / max {queueSamples.Max(q => q.Waiting):F0}, simulator thread pool queue mean {queueSamples.Average(q => q.Local):F0} / max {queueSamples.Max(q => q.Local):F0} ({queueSamples.Count} samples)");
        }

        var p50 = stormLatency.PercentileMilliseconds(50);
        var p99 = stormLatency.PercentileMilliseconds(99);
        var gatewayCpuPercent = 100 * cpu.Used["gateway"] / Math.Max(0.001, cpu.WallSeconds);
        report.Note($"fleet {size}: connected in {connectSeconds:F1} s; idle RSS {rssIdleStart:F0} MB before connects, {rssConnected:F0} MB connected ({memory}; GC heap {gcHeapMb:F0} MB, GC committed {gcCommittedMb:F0} MB); storm: {stormDevices.Count} reconnects in {reconnectSeconds:F1} s, {burstEvents} events flushed in {stormSeconds:F1} s ({burstRate:F0}/s, acked {fleet.Acknowledged - acknowledgedBefore} incl. heartbeats, failed publishes: {fleet.FailuresByKind()}; in flight when their phase was stopped: {fleet.Abandoned}); alarms at the stub {stored.GetArrayLength()}/{alarmCount}: idle p50 {idleLatency.PercentileMilliseconds(50):F1} / p99 {idleLatency.PercentileMilliseconds(99):F1} ms, storm p50 {p50:F1} / p99 {p99:F1} / max {stormLatency.MaxMilliseconds():F1} ms (n={stormLatency.Count}; publish -> gateway rx p50 {stormToGateway.PercentileMilliseconds(50):F1} / p99 {stormToGateway.PercentileMilliseconds(99):F1} ms, gateway rx -> stub p50 {stormGatewayToStub.PercentileMilliseconds(50):F1} / p99 {stormGatewayToStub.PercentileMilliseconds(99):F1} ms); gateway CPU {gatewayCpuPercent:F0}% during the storm; gateway GC pauses {gcPauseMs:F0} ms in total over {collections:F0} collections ({gen2:F0} full); {queues}; threads {ProcStat.ThreadCount(gateway.Id)}; cloud stub at nice {ProcStat.Nice(stub.Id)?.ToString() ?? "?"}");
        report.AddScalingRow(size, connectSeconds, burstRate, p50, p99, stormLatency.MaxMilliseconds(), rssConnected, rssPeak, gatewayCpuPercent);
        if (size == settings.FleetSizes.Max())
        {
            var suffix = size == 10_000 ? string.Empty : $" (fleet of {size}, --quick)";
            report.Add("alarm_p50_ms", p50, $"SOS publish -> stored at the cloud stub, {size} devices connected + heartbeating, {stormDevices.Count} reconnecting and flushing{suffix}");
            report.Add("alarm_p99_ms", p99, $"n={stormLatency.Count} alarms during the storm{suffix}");
            report.Add(size == 10_000 ? "gateway_rss_mb_10k" : $"gateway_rss_mb_{size}", rssConnected, $"VmRSS with {size} devices connected and heartbeating; peak during the storm {rssPeak:F0} MB");
            report.Add("burst_events_per_s", burstRate, $"{burstEvents} outbox events flushed by {stormDevices.Count} reconnecting devices");
        }

        await fleet.DisconnectAsync(fleet.Devices, 200).ConfigureAwait(false);
    }
}
