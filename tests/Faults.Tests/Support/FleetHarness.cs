using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Outbox;
using Eldercare.TestSupport;
using Eldercare.VirtualDevice;

namespace Eldercare.Faults.Tests.Support;

/// <summary>
/// A fleet of virtual pendants (the firmware core's host twin, in-process) against the gateway and the cloud
/// stub as real processes (optionally through a real mosquitto). It records every event id a device saw
/// acknowledged (<see cref="VirtualPendant.Delivered"/>), lets a scenario break things (SIGKILL the gateway,
/// fail the upstream, restart the broker), waits for the fleet to drain, and checks the invariants against
/// what the cloud stub stored (<see cref="FleetVerifier"/>).
/// </summary>
public sealed class FleetHarness : IAsyncDisposable
{
    public const string GatewayUser = "eldercare-gateway";
    private const string GatewayPassword = "gateway-secret";
    public static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(90);

    private readonly FleetOptions _options;
    private readonly TempDirectory _directory;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<ManagedProcess> _gatewayRuns = [];
    private readonly ConcurrentDictionary<string, SentEvent> _raised = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SentEvent> _acknowledged = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private MosquittoProcess? _mosquitto;
    private static readonly string[] AlarmTypes = [EventTypes.Sos, EventTypes.Fall, EventTypes.Wellness, EventTypes.Geofence];

    private int _sosPresses;
    private int _boots;

    private FleetHarness(string scenario, FleetOptions options)
    {
        Scenario = scenario;
        _options = options;
        _directory = new TempDirectory("faults-" + scenario);
        CloudPort = FreePort.Next();
        GatewayHttpPort = FreePort.Next();
        EmbeddedMqttPort = FreePort.Next();
        Random = new Random(options.Seed);
    }

    public string Scenario { get; }

    public Random Random { get; }

    public int Seed => _options.Seed;

    public int TotalRaiseTarget => _options.DeviceCount * _options.EventsPerDevice;

    public int CloudPort { get; }

    public string CloudUrl => $"http://127.0.0.1:{CloudPort}";

    public int GatewayHttpPort { get; }

    public int EmbeddedMqttPort { get; }

    /// <summary>Where devices connect when nothing is in between: the embedded broker or mosquitto.</summary>
    public int BrokerPort => _mosquitto?.Port ?? EmbeddedMqttPort;

    public MosquittoProcess? Mosquitto => _mosquitto;

    /// <summary>With <see cref="FleetOptions.ThroughCuttingProxy"/>: the proxy every device connects through.</summary>
    public CuttingTcpProxy? Proxy { get; private set; }

    /// <summary>The port devices connect to: the proxy when there is one, else the broker.</summary>
    public int DevicePort => Proxy?.Port ?? BrokerPort;

    public ManagedProcess? Cloud { get; private set; }

    public ManagedProcess? Gateway { get; private set; }

    public int GatewayStarts => _gatewayRuns.Count;

    public string GatewayDatabasePath => _directory.File(Path.Combine("gateway", "events.db"));

    public string DeviceDataDirectory => _directory.File("devices");

    public List<VirtualPendant> Devices { get; } = [];

    public IReadOnlyDictionary<string, SentEvent> Raised => _raised;

    public IReadOnlyDictionary<string, SentEvent> Acknowledged => _acknowledged;

    public int AcknowledgedCount => _acknowledged.Count;

    public int SosPresses => _sosPresses;

    /// <summary>Device starts: each one queues a boot heartbeat (WearableApp.Start).</summary>
    public int Boots => _boots;

    public long ElapsedMilliseconds => _clock.ElapsedMilliseconds;

    /// <summary>Every gateway run's output, oldest first (a killed gateway's lines are kept).</summary>
    public IEnumerable<string> GatewayLines => _gatewayRuns.SelectMany(g => g.Lines);

    public static string DeviceId(int index) => $"pendant-{index:0000}";

    public static string SecretOf(string deviceId) => "s3cret-" + deviceId;

    /// <summary>Registry, cloud stub, (mosquitto), gateway; devices created but not started.</summary>
    public static async Task<FleetHarness> StartAsync(string scenario, FleetOptions options)
    {
        var fleet = new FleetHarness(scenario, options);
        try
        {
            await fleet.StartCoreAsync().ConfigureAwait(false);
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartCoreAsync()
    {
        Console.WriteLine($"[{Scenario}] seed={_options.Seed} devices={_options.DeviceCount} eventsPerDevice={_options.EventsPerDevice}");
        var ids = Enumerable.Range(1, _options.DeviceCount).Select(DeviceId).ToList();
        var registered = Enumerable.Range(1, _options.DeviceCount + _options.ExtraRegisteredDevices).Select(DeviceId).ToList();
        DeviceRegistryFile.Upsert(_directory.File("devices.json"), registered.Select(id => SecretHasher.CreateRecord(id, SecretOf(id), iterations: 1000)).ToList());
        if (_options.ExternalMosquitto)
        {
            if (!MosquittoProcess.IsInstalled)
            {
                Assert.Inconclusive("mosquitto is not installed (apt-get install -y mosquitto)");
            }

            var users = registered.ToDictionary(id => id, SecretOf);
            users[GatewayUser] = GatewayPassword;
            _mosquitto = await MosquittoProcess.StartAsync(users).ConfigureAwait(false);
        }

        await StartCloudAsync().ConfigureAwait(false);
        await StartGatewayAsync().ConfigureAwait(false);
        if (_options.ThroughCuttingProxy)
        {
            Proxy = new CuttingTcpProxy(BrokerPort);
        }
        for (var i = 0; i < ids.Count; i++)
        {
            // One heartbeat at boot (interval 1 h); the load comes from Raise so the count is known.
            Devices.Add(CreatePendant(i));
        }
    }

    /// <summary>A pendant for fleet device <paramref name="index"/> (0-based) over the fleet's data dir, not started:
    /// after a power cut, the same device booting again (same id, same flash).</summary>
    public VirtualPendant CreatePendant(int index, int? port = null)
    {
        var id = DeviceId(index + 1);
        var pendant = new VirtualPendant(new VirtualPendantOptions(id, SecretOf(id), "127.0.0.1", port ?? DevicePort, DeviceDataDirectory)
        {
            HeartbeatIntervalSeconds = 3600,
            ClockSkewMilliseconds = _options.ClockSkewMilliseconds?.Invoke(index) ?? 0,
        });
        Attach(pendant);
        return pendant;
    }

    /// <summary>Records the device's acknowledgements (a new pendant over the same data dir after a reboot too).</summary>
    public void Attach(VirtualPendant pendant)
    {
        pendant.Delivered += entry => OnDelivered(pendant.DeviceId, entry);
    }

    public async Task StartCloudAsync()
    {
        Cloud = await ProcessHosts.StartCloudStubAsync(CloudPort, _directory.File("cloud"), ["--CloudStub:PrintAlarms=false", .. _options.CloudArgs]).ConfigureAwait(false);
        if (_options.CloudReadyLine is { } ready)
        {
            await Cloud.WaitForLineAsync(ready, ProcessHosts.StartTimeout).ConfigureAwait(false);
        }
    }

    /// <summary>Upstream "connection refused": the stub process is killed (its SQLite file is synchronous=FULL).</summary>
    public async Task StopCloudAsync()
    {
        if (Cloud is not null)
        {
            await Cloud.DisposeAsync().ConfigureAwait(false);
            Cloud = null;
        }
    }

    public async Task StartGatewayAsync()
    {
        List<string> args = [.. _options.GatewayArgs];
        if (_mosquitto is not null)
        {
            args.AddRange([
                "--Gateway:Mqtt:Mode=External",
                $"--Gateway:Mqtt:ExternalPort={_mosquitto.Port}",
                $"--Gateway:Mqtt:ExternalUsername={GatewayUser}",
                $"--Gateway:Mqtt:ExternalPassword={GatewayPassword}",
            ]);
        }

        // Telemetry "stored" lines are Debug; alarms are Information. Quiet the rest of the Debug noise.
        Gateway = await ProcessHosts.StartGatewayAsync(EmbeddedMqttPort, GatewayHttpPort, _directory.File("gateway"), _directory.File("devices.json"), CloudUrl, [.. args]).ConfigureAwait(false);
        _gatewayRuns.Add(Gateway);
    }

    /// <summary>SIGKILL: no shutdown, no flush; what a power cut looks like to the process.</summary>
    public async Task KillGatewayAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.KillAsync().ConfigureAwait(false);
            Gateway = null;
        }
    }

    public void StartDevices()
    {
        foreach (var device in Devices)
        {
            StartDevice(device);
        }
    }

    public void StartDevice(VirtualPendant device)
    {
        device.Start();
        Interlocked.Increment(ref _boots);
    }

    public Task WaitAllConnectedAsync(TimeSpan timeout) =>
        Eventually.WaitAsync(() => Devices.All(d => d.IsConnected), timeout, "every device connected");

    public async Task SetCloudFaultAsync(string mode, int stallMilliseconds = 0)
    {
        using var response = await _http.PostAsJsonAsync($"{CloudUrl}/admin/fault", new { mode, stallMs = stallMilliseconds }).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Every device raises <see cref="FleetOptions.EventsPerDevice"/> events in bursts (alarms mixed into telemetry),
    /// a burst only when its outbox is low (paced by the gateway's PUBACKs); some devices get a real SOS press.
    /// Returns when everything is raised (not yet delivered).
    /// </summary>
    public async Task RunLoadAsync(CancellationToken cancellationToken = default)
    {
        var pressAt = Enumerable.Range(0, Devices.Count).OrderBy(_ => Random.Next()).Take(_options.SosPresses).ToHashSet();
        var seeds = Devices.Select(_ => Random.Next()).ToList();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(LoadTimeout);
        var tasks = Devices.Select((device, i) => Task.Run(() => LoadOneAsync(device, new Random(seeds[i]), pressAt.Contains(i), deadline.Token), CancellationToken.None)).ToList();
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"[{Scenario}] load not raised within {LoadTimeout.TotalSeconds} s: raised {_raised.Count}, acknowledged {_acknowledged.Count}");
        }
    }

    private async Task LoadOneAsync(VirtualPendant device, Random random, bool pressSos, CancellationToken cancellationToken)
    {
        var raised = 0;
        var pressAfter = pressSos ? random.Next(_options.EventsPerDevice) : -1;
        while (raised < _options.EventsPerDevice)
        {
            while (device.Outbox.Count > _options.OutboxLowWater)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }

            var burst = Math.Min(random.Next(_options.MinBurst, _options.MaxBurst + 1), _options.EventsPerDevice - raised);
            for (var i = 0; i < burst; i++)
            {
                // Every alarm kind a wearable raises, and a service-lane event now and then, so every lane's
                // exactly-once and per-device order are checked under the faults (issue 13).
                var type = random.Next(100) < _options.AlarmPercent
                    ? AlarmTypes[random.Next(AlarmTypes.Length)]
                    : (random.Next(20) == 0 ? EventTypes.Charging : EventTypes.Heartbeat);
                Raise(device, type);
            }

            raised += burst;
            if (pressAfter >= 0 && raised >= pressAfter)
            {
                pressAfter = -1;
                device.PressSos();
                Interlocked.Increment(ref _sosPresses);
            }

            // Devices do not all fire at once: a little spread between bursts (load shape, not synchronisation).
            await Task.Delay(random.Next(0, 30), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Raises one event on <paramref name="device"/> and records it; null when the outbox refused it.</summary>
    public SentEvent? Raise(VirtualPendant device, string type)
    {
        var boot = device.BootEpoch;
        var seq = device.Raise(type);
        if (seq <= 0)
        {
            return null;
        }

        var id = DeviceEvent.MakeId(device.DeviceId, boot, seq);
        var sent = new SentEvent(id, device.DeviceId, boot, seq, type, EventTypes.LaneOf(type));
        _raised[id] = sent;
        return sent;
    }

    /// <summary>Completes when at least <paramref name="count"/> distinct events were acknowledged.</summary>
    public Task WaitForAcknowledgedAsync(int count, TimeSpan timeout) =>
        Eventually.WaitAsync(() => _acknowledged.Count >= count, timeout, $"[{Scenario}] {count} events acknowledged (have {_acknowledged.Count})");

    /// <summary>
    /// Waits until every device's outbox is empty, every SOS press was acknowledged, and the gateway has nothing
    /// pending (so every acknowledged event is at the cloud or was dropped with a counted reason). Returns ms waited.
    /// </summary>
    public async Task<long> WaitForDrainAsync(TimeSpan timeout)
    {
        var started = _clock.ElapsedMilliseconds;
        await Eventually.WaitAsync(() => Devices.All(d => d.Outbox.Count == 0) && PressedSosAcknowledged() >= _sosPresses, timeout,
            $"[{Scenario}] device outboxes empty (left {Devices.Sum(d => d.Outbox.Count)}, presses acked {PressedSosAcknowledged()}/{_sosPresses})").ConfigureAwait(false);
        await Eventually.WaitAsync(GatewayHealthAsync, h => h.Pending == 0 && h.QueueDepth == 0, timeout, $"[{Scenario}] gateway pending 0").ConfigureAwait(false);
        return _clock.ElapsedMilliseconds - started;
    }

    public async Task<GatewayHealth> GatewayHealthAsync()
    {
        try
        {
            return await _http.GetFromJsonAsync<GatewayHealth>($"http://127.0.0.1:{GatewayHttpPort}/health").ConfigureAwait(false) ?? new GatewayHealth(-1, -1);
        }
        catch (HttpRequestException)
        {
            return new GatewayHealth(-1, -1);
        }
    }

    public async Task<string> GatewayMetricsTextAsync() => await _http.GetStringAsync($"http://127.0.0.1:{GatewayHttpPort}/metrics").ConfigureAwait(false);

    public async Task<IReadOnlyList<CloudEvent>> CloudEventsAsync()
    {
        return await _http.GetFromJsonAsync<List<CloudEvent>>($"{CloudUrl}/api/v1/events").ConfigureAwait(false) ?? [];
    }

    /// <summary>How many of the fleet's events (pendants') the cloud stub holds (its JetStream consumer may still be storing after the gateway drained).</summary>
    public async Task<int> CloudPendantEventCountAsync() =>
        (await CloudEventsAsync().ConfigureAwait(false)).Count(e => e.Dev.StartsWith("pendant-", StringComparison.Ordinal));

    public async Task<long> CloudDuplicatesAsync()
    {
        using var stats = JsonDocument.Parse(await _http.GetStringAsync($"{CloudUrl}/api/v1/stats").ConfigureAwait(false));
        return stats.RootElement.GetProperty("duplicates").GetInt64();
    }

    public int PressedSosAcknowledged() => _acknowledged.Values.Count(a => a.Type == EventTypes.Sos && !_raised.ContainsKey(a.Id));

    private void OnDelivered(string deviceId, OutboxEntry entry)
    {
        var id = DeviceEvent.MakeId(deviceId, entry.BootEpoch, entry.Sequence);
        _acknowledged.TryAdd(id, new SentEvent(id, deviceId, entry.BootEpoch, entry.Sequence, entry.Type, EventTypes.LaneOf(entry.Type)) { AckedAtMilliseconds = _clock.ElapsedMilliseconds });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var device in Devices)
        {
            await device.DisposeAsync().ConfigureAwait(false);
        }

        if (Proxy is not null)
        {
            await Proxy.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var run in _gatewayRuns)
        {
            await run.DisposeAsync().ConfigureAwait(false);
        }

        if (Cloud is not null)
        {
            await Cloud.DisposeAsync().ConfigureAwait(false);
        }

        if (_mosquitto is not null)
        {
            await _mosquitto.DisposeAsync().ConfigureAwait(false);
        }

        _http.Dispose();
        _directory.Dispose();
    }
}

/// <summary>An event a device created: its id and where it belongs.</summary>
public sealed record SentEvent(string Id, string Dev, int Boot, int Seq, string Type, string Lane)
{
    /// <summary>When the device saw the PUBACK (harness clock), for "alarms overtake queued telemetry".</summary>
    public long AckedAtMilliseconds { get; init; }

    public bool IsAlarm => Lane == EventTypes.AlarmLane;
}

/// <summary>The gateway's <c>GET /health</c> (-1 when it does not answer).</summary>
public sealed record GatewayHealth(long Pending, long QueueDepth);
