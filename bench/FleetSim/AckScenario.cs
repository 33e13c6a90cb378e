using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Eldercare.Firmware.Core.Commands;
using MQTTnet;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// Issue 13 "Speed": an operator's acknowledgement to the device's feedback, with the largest fleet connected and
/// heartbeating (10,000; quick: 2,000) on a fresh gateway and cloud stub. <see cref="BenchSettings.AckAlarms"/> devices
/// connect as the firmware does (clean session off, a session that does not expire, QoS 1 subscription to their own
/// commands topic) and raise one SOS each, spread at <see cref="BenchSettings.AckAlarmsPerSecond"/>; as soon as an
/// alarm is stored at the stub (one watcher polls <c>GET /api/v1/events?type=sos</c> every 20 ms) the bench POSTs its
/// acknowledgement, and the round trip is the POST's start -> the device's receipt of the <c>ack</c> command naming
/// that alarm (the simulated device's receive time; one host, one monotonic clock). The path between is the gateway's
/// (long poll of <c>GET /api/v1/acks</c>, <c>IDownlinks.EnqueueAsync</c> with its fsync, QoS 1 delivery).
/// </summary>
public sealed class AckScenario(BenchEnvironment environment, BenchSettings settings, Report report, MqttClientFactory factory)
{
    private const string By = "bench";
    private static readonly TimeSpan WatchTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(15);

    public async Task RunAsync(IReadOnlyList<string> deviceIds, int bootEpoch, CancellationToken cancellationToken)
    {
        var size = settings.FleetSizes.Max();
        var loadAtStart = LoadAverage();
        using var http = new HttpClient();
        var (stub, stubUrl) = await environment.StartStubAsync(environment.NewDirectory("ack-stub"), BenchEnvironment.LatencyStubNice).ConfigureAwait(false);
        await using var stubProcess = stub;
        var (gateway, mqttPort, gatewayUrl) = await environment.StartGatewayAsync(environment.NewDirectory("ack-gateway"), stubUrl).ConfigureAwait(false);
        await using var gatewayProcess = gateway;
        var fleet = new Fleet("127.0.0.1", mqttPort, Fleet.Create(factory, deviceIds.Take(size).Select(id => (id, RegistryWriter.SecretOf(id))), bootEpoch));

        // The listening devices: warm-up, the measured phase, the storm phase; each raises one alarm.
        var listeners = fleet.Devices.Take(settings.AckWarmupAlarms + 2 * settings.AckAlarms).ToList();
        var received = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
        long repeats = 0, unreadable = 0;
        foreach (var device in listeners)
        {
            device.ListenForCommands((d, payload) =>
            {
                var at = fleet.NowUnixMilliseconds;
                var decoded = CommandCodec.Decode(payload, payload.Length);
                if (!decoded.IsValid || decoded.Command.Name != CommandNames.Ack
                    || !CommandCodec.TryParseEventId(decoded.Command.Reference, out var dev, out _, out _) || dev != d.Id)
                {
                    Interlocked.Increment(ref unreadable);
                    return;
                }

                if (!received.TryAdd(decoded.Command.Reference, at))
                {
                    Interlocked.Increment(ref repeats); // a redelivery (DUP) or an acknowledgement read twice
                }
            });
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await fleet.ConnectAsync(fleet.Devices, settings.ConnectConcurrency, cancellationToken).ConfigureAwait(false);
        var connectSeconds = watch.Elapsed.TotalSeconds;
        var resumed = listeners.Count(d => d.SessionPresent);

        using var background = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeats = fleet.HeartbeatAsync(fleet.Devices, settings.HeartbeatInterval, background.Token);
        await Task.Delay(settings.IdlePhase, cancellationToken).ConfigureAwait(false);

        // Warm-up: the first POST, the first long-poll answer, the first downlink (not counted).
        var warmup = await RoundTripsAsync(fleet, listeners.Take(settings.AckWarmupAlarms).ToList(), settings.AckAlarmsPerSecond, received, http, stubUrl, cancellationToken).ConfigureAwait(false);

        // Measured: the whole fleet connected and heartbeating (issue 13's condition).
        var metricsBefore = await GatewayAckMetricsAsync(http, gatewayUrl).ConfigureAwait(false);
        var cpu = new CpuWindow(new() { ["gateway"] = gateway.Id, ["stub"] = stub.Id, ["simulator"] = Environment.ProcessId });
        var machineBefore = MachineCpu();
        cpu.Start();
        var measured = await RoundTripsAsync(fleet, listeners.Skip(settings.AckWarmupAlarms).Take(settings.AckAlarms).ToList(), settings.AckAlarmsPerSecond, received, http, stubUrl, cancellationToken).ConfigureAwait(false);
        cpu.Stop();
        var machineAfter = MachineCpu();
        var metricsAfter = await GatewayAckMetricsAsync(http, gatewayUrl).ConfigureAwait(false);

        // Stress, reported beside it: the same during the fleet scenario's reconnect storm (every non-listening device
        // drops, reconnects in a new boot epoch and flushes 10 events), alarms at twice the rate so that most of them
        // fall inside the storm; only acknowledgements POSTed before the last flush was acknowledged count there.
        var stormDevices = fleet.Devices.Skip(listeners.Count).ToList();
        await fleet.DisconnectAsync(stormDevices, 200).ConfigureAwait(false);
        foreach (var device in stormDevices)
        {
            device.Reboot();
        }

        var stormPhase = RoundTripsAsync(fleet, listeners.Skip(settings.AckWarmupAlarms + settings.AckAlarms).ToList(), 2 * settings.AckAlarmsPerSecond, received, http, stubUrl, cancellationToken);
        var storm = System.Diagnostics.Stopwatch.StartNew();
        await fleet.ReconnectAndFlushAsync(stormDevices, settings.ConnectConcurrency, settings.BurstEventsPerDevice, settings.Window, cancellationToken).ConfigureAwait(false);
        await fleet.WaitForFlushesAsync(cancellationToken).ConfigureAwait(false);
        var stormSeconds = storm.Elapsed.TotalSeconds;
        var stormEnd = fleet.NowUnixMilliseconds;
        var stormed = await stormPhase.ConfigureAwait(false);

        background.Cancel();
        await heartbeats.ConfigureAwait(false);

        var idle = Summary.Of(measured, received, _ => true);
        var duringStorm = Summary.Of(stormed, received, t => t.Started <= stormEnd);
        var stormAll = Summary.Of(stormed, received, _ => true);
        var machineBusy = machineAfter.Busy - machineBefore.Busy;
        var machineTotal = Math.Max(1e-9, machineAfter.Total - machineBefore.Total);
        var oursSeconds = cpu.Used.Values.Sum();
        var othersCores = Math.Max(0, machineBusy - oursSeconds) / Math.Max(0.001, cpu.WallSeconds);
        var loadAtEnd = LoadAverage();
        var suffix = size == 10_000 ? string.Empty : $" (fleet of {size}, --quick)";
        var p50 = idle.RoundTrip.PercentileMilliseconds(50);
        var p99 = idle.RoundTrip.PercentileMilliseconds(99);

        report.Add("ack_roundtrip_p50_ms", p50,
            $"POST /api/v1/acks start at the cloud stub -> the device received the `ack` command (QoS 1 on its commands topic), {size} devices connected and heartbeating every {settings.HeartbeatInterval.TotalSeconds:F0} s{suffix}");
        report.Add("ack_roundtrip_p99_ms", p99,
            Inv($"n={idle.RoundTrip.Count} acknowledgements of alarms raised at {settings.AckAlarmsPerSecond:F0}/s, max {idle.RoundTrip.MaxMilliseconds():F1} ms; {idle.Split}{suffix}"));
        report.Add("ack_missing", (idle.Lost + stormAll.Lost).ToString(CultureInfo.InvariantCulture),
            Inv($"acknowledged alarms whose `ack` never reached the device (within {DeliveryTimeout.TotalSeconds:F0} s of the last POST), never seen at the stub, or whose POST was not answered 201: connected {idle.LostDetail}; storm {stormAll.LostDetail}"));
        report.Add("ack_roundtrip_storm_p99_ms", duringStorm.RoundTrip.PercentileMilliseconds(99),
            Inv($"the same while {stormDevices.Count} devices reconnect and flush {settings.BurstEventsPerDevice} events each ({stormSeconds:F1} s): n={duringStorm.RoundTrip.Count} POSTed during the storm, p50 {duringStorm.RoundTrip.PercentileMilliseconds(50):F1} / max {duringStorm.RoundTrip.MaxMilliseconds():F1} ms; {duringStorm.Split}{suffix}"));
        report.Note(Inv($"ack: fleet of {size} connected in {connectSeconds:F1} s ({listeners.Count} listening devices with a kept session, {resumed} resumed); warm-up {warmup.Posts.Count} acknowledgements (not counted), then {measured.Posts.Count} of {measured.Devices} alarms acknowledged as each reached the stub (alarm publish -> seen at the stub by the watcher p50 {measured.Seen.PercentileMilliseconds(50):F1} / p99 {measured.Seen.PercentileMilliseconds(99):F1} ms); round trip p50 {p50:F1} / p99 {p99:F1} / max {idle.RoundTrip.MaxMilliseconds():F1} ms; stub's ack ts -> device p50 {idle.StubToDevice.PercentileMilliseconds(50):F1} / p99 {idle.StubToDevice.PercentileMilliseconds(99):F1} ms; storm phase: {stormed.Posts.Count} of {stormed.Devices} acknowledged, {duringStorm.RoundTrip.Count} POSTed during the {stormSeconds:F1} s storm, all of them p50 {stormAll.RoundTrip.PercentileMilliseconds(50):F1} / p99 {stormAll.RoundTrip.PercentileMilliseconds(99):F1} ms (alarm publish -> seen at the stub p99 {stormed.Seen.PercentileMilliseconds(99):F1} ms); commands received again {Interlocked.Read(ref repeats)}, unreadable {Interlocked.Read(ref unreadable)}; gateway during the measured phase: {Delta(metricsBefore, metricsAfter)}; CPU over its {cpu.WallSeconds:F1} s: {cpu.Describe()}, other processes on the machine {othersCores:F2} cores (machine busy {100 * machineBusy / machineTotal:F0}% of both); load average {loadAtStart} at the scenario's start, {loadAtEnd} at its end; cloud stub at nice {ProcStat.Nice(stub.Id)?.ToString() ?? "?"}"));

        await fleet.DisconnectAsync(fleet.Devices, 200).ConfigureAwait(false);
    }

    /// <summary>One SOS per device at <paramref name="perSecond"/>, each acknowledged at the stub once stored there; waits for the deliveries.</summary>
    private static async Task<Phase> RoundTripsAsync(Fleet fleet, IReadOnlyList<SimDevice> devices, double perSecond, ConcurrentDictionary<string, double> received,
        HttpClient http, string stubUrl, CancellationToken cancellationToken)
    {
        var phase = new Phase(devices.Count);
        var names = devices.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var alarms = fleet.AlarmsAsync(devices, perSecond, cancellationToken, devices.Count);
        var posts = new List<Task>();
        var handled = new HashSet<string>(StringComparer.Ordinal);
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (handled.Count < devices.Count && started.Elapsed < WatchTimeout)
        {
            var stored = await BenchEnvironment.GetJsonAsync(http, stubUrl + "/api/v1/events?type=sos").ConfigureAwait(false);
            var seenAt = fleet.NowUnixMilliseconds;
            foreach (var e in stored.EnumerateArray())
            {
                var id = e.GetProperty("id").GetString()!;
                if (names.Contains(e.GetProperty("dev").GetString()!) && handled.Add(id))
                {
                    if (fleet.AlarmSendTimes.TryGetValue(id, out var sentAt))
                    {
                        phase.Seen.RecordMilliseconds(Math.Max(0, seenAt - sentAt));
                    }

                    posts.Add(AcknowledgeAsync(fleet, http, stubUrl, id, phase));
                }
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        await alarms.ConfigureAwait(false);
        await Task.WhenAll(posts).ConfigureAwait(false);
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (phase.Posts.Keys.Any(id => !received.ContainsKey(id)) && deadline.Elapsed < DeliveryTimeout)
        {
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        return phase;
    }

    private static async Task AcknowledgeAsync(Fleet fleet, HttpClient http, string stubUrl, string id, Phase phase)
    {
        var started = fleet.NowUnixMilliseconds;
        using var content = new StringContent($"{{\"id\":\"{id}\",\"by\":\"{By}\"}}", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(stubUrl + "/api/v1/acks", content).ConfigureAwait(false);
        var answered = fleet.NowUnixMilliseconds;
        if ((int)response.StatusCode != 201)
        {
            Interlocked.Increment(ref phase.PostFailures);
            return;
        }

        long ackTs = 0;
        using (var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false)))
        {
            ackTs = document.RootElement.GetProperty("ack").GetProperty("ts").GetInt64();
        }

        phase.Posts[id] = new PostTiming(started, answered, ackTs);
    }

    private static async Task<Dictionary<string, double>> GatewayAckMetricsAsync(HttpClient http, string gatewayUrl)
    {
        var text = await http.GetStringAsync(gatewayUrl + "/metrics").ConfigureAwait(false);
        return new[] { "gateway_acks_received_total", "gateway_acks_queued_total", "gateway_acks_poll_failures_total", "gateway_downlinks_delivered_total", "gateway_downlinks_redelivered_total", "gateway_downlinks_acknowledged_total" }
            .ToDictionary(n => n, n => BenchEnvironment.ParseMetric(text, n));
    }

    private static string Delta(Dictionary<string, double> before, Dictionary<string, double> after) =>
        string.Join(", ", after.Select(a => Inv($"{a.Key.Replace("gateway_", string.Empty, StringComparison.Ordinal).Replace("_total", string.Empty, StringComparison.Ordinal)} {a.Value - before[a.Key]:F0}")));

    /// <summary>CPU seconds of the whole machine (all cores), busy and total, from /proc/stat.</summary>
    private static (double Busy, double Total) MachineCpu()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is inside user)
        var idle = fields[3] + fields[4];
        var total = fields.Take(8).Sum();
        return ((total - idle) / ProcStat.TicksPerSecond, total / ProcStat.TicksPerSecond);
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record PostTiming(double Started, double Answered, long AckTs);

    /// <summary>The round trips of one phase's acknowledgements that <c>include</c> selects, split at the POST's answer, and what never arrived.</summary>
    private sealed class Summary
    {
        public LatencyRecorder RoundTrip { get; } = new();

        public LatencyRecorder Post { get; } = new();

        public LatencyRecorder PostToDevice { get; } = new();

        public LatencyRecorder StubToDevice { get; } = new();

        public List<string> Missing { get; } = [];

        public int NotPosted { get; private init; }

        public long PostFailures { get; private init; }

        public int Alarms { get; private init; }

        public long Lost => Missing.Count + NotPosted + PostFailures;

        public string LostDetail => Inv($"{Lost} of {Alarms} (not delivered {Missing.Count}{(Missing.Count > 0 ? " e.g. " + string.Join(", ", Missing.Take(3)) : string.Empty)}, never at the stub {NotPosted}, POST not 201 {PostFailures})");

        public string Split => Inv($"POST answered p50 {Post.PercentileMilliseconds(50):F1} / p99 {Post.PercentileMilliseconds(99):F1} ms, answered -> device p50 {PostToDevice.PercentileMilliseconds(50):F1} / p99 {PostToDevice.PercentileMilliseconds(99):F1} ms, stub's ack ts (stored) -> device p50 {StubToDevice.PercentileMilliseconds(50):F1} / p99 {StubToDevice.PercentileMilliseconds(99):F1} ms");

        public static Summary Of(Phase phase, ConcurrentDictionary<string, double> received, Func<PostTiming, bool> include)
        {
            var summary = new Summary { NotPosted = phase.Devices - phase.Posts.Count - (int)phase.PostFailures, PostFailures = phase.PostFailures, Alarms = phase.Devices };
            foreach (var (id, timing) in phase.Posts)
            {
                if (!received.TryGetValue(id, out var at))
                {
                    summary.Missing.Add(id);
                    continue;
                }

                if (!include(timing))
                {
                    continue;
                }

                summary.RoundTrip.RecordMilliseconds(at - timing.Started);
                summary.Post.RecordMilliseconds(timing.Answered - timing.Started);
                summary.PostToDevice.RecordMilliseconds(Math.Max(0, at - timing.Answered));
                if (timing.AckTs > 0)
                {
                    // ts of the acknowledgement = the stub's clock when it stored it (whole ms).
                    summary.StubToDevice.RecordMilliseconds(Math.Max(0, at - timing.AckTs));
                }
            }

            return summary;
        }
    }

    private sealed class Phase(int devices)
    {
        public int Devices { get; } = devices;

        public ConcurrentDictionary<string, PostTiming> Posts { get; } = new(StringComparer.Ordinal);

        public LatencyRecorder Seen { get; } = new();

        public long PostFailures;
    }
}
