using System.Net.Http.Json;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.TestSupport;
using Eldercare.VirtualDevice;

namespace Eldercare.EndToEnd.Tests;

/// <summary>One event as the cloud stub lists it.</summary>
public sealed record CloudEvent(string Id, string Dev, string Type, string Lane, int Boot, int Seq, long Ts, long Rx, long CloudRx, System.Text.Json.JsonElement Payload = default);

/// <summary>
/// The whole chain on loopback: cloud stub and gateway as real processes (killable with
/// SIGKILL), virtual pendants in-process with their flash in a temp folder.
/// </summary>
public sealed class SystemUnderTest : IAsyncDisposable
{
    private readonly TempDirectory _directory = new("e2e");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly List<VirtualPendant> _pendants = [];
    private readonly object _ackLock = new();

    public SystemUnderTest()
    {
        MqttPort = FreePort.Next();
        HttpPort = FreePort.Next();
        CloudPort = FreePort.Next();
        RegistryPath = _directory.File("devices.json");
    }

    public int MqttPort { get; }

    public int HttpPort { get; }

    public int CloudPort { get; }

    public string RegistryPath { get; }

    public string CloudUrl => $"http://127.0.0.1:{CloudPort}";

    public ManagedProcess? Gateway { get; private set; }

    public ManagedProcess? Cloud { get; private set; }

    /// <summary>Ids the devices saw acknowledged (PUBACK), with their type.</summary>
    public Dictionary<string, string> Acknowledged { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<VirtualPendant> Pendants => _pendants;

    public async Task StartCloudAsync() =>
        Cloud = await ProcessHosts.StartCloudStubAsync(CloudPort, _directory.File("cloud"));

    public async Task StartGatewayAsync() =>
        Gateway = await ProcessHosts.StartGatewayAsync(MqttPort, HttpPort, _directory.File("gateway"), RegistryPath, CloudUrl,
            "--Gateway:Forwarder:MaxBackoffMilliseconds=500");

    /// <param name="configure">changes a pendant's options (index, options) before it is built, e.g. its radio schedule</param>
    public async Task<IReadOnlyList<VirtualPendant>> StartPendantsAsync(int count, int heartbeatSeconds = 60, Func<int, VirtualPendantOptions, VirtualPendantOptions>? configure = null)
    {
        var credentials = DeviceList.Generate("pendant", count);
        int index = 0;
        DeviceRegistryFile.Upsert(RegistryPath, credentials.Select(c => SecretHasher.CreateRecord(c.DeviceId, c.Secret, iterations: 1000)));
        foreach (DeviceCredentials c in credentials)
        {
            var options = new VirtualPendantOptions(c.DeviceId, c.Secret, "127.0.0.1", MqttPort, _directory.File("devices"))
            {
                HeartbeatIntervalSeconds = heartbeatSeconds,
                AckTimeoutMilliseconds = 2_000,
            };
            var pendant = new VirtualPendant(configure is null ? options : configure(index, options));
            index++;
            pendant.Delivered += entry =>
            {
                lock (_ackLock)
                {
                    Acknowledged[$"{pendant.DeviceId}:{entry.BootEpoch}:{entry.Sequence}"] = entry.Type;
                }
            };
            _pendants.Add(pendant);
        }

        return _pendants;
    }

    /// <summary>Registers devices before the gateway starts (it reads its registry at start).</summary>
    public async Task ConnectAllAsync()
    {
        foreach (VirtualPendant pendant in _pendants)
        {
            pendant.Start();
        }

        await Eventually.WaitAsync(() => _pendants.All(p => p.IsConnected), TimeSpan.FromSeconds(30), "all pendants connected");
    }

    public bool IsAcknowledged(string id)
    {
        lock (_ackLock)
        {
            return Acknowledged.ContainsKey(id);
        }
    }

    public Dictionary<string, string> AcknowledgedSnapshot()
    {
        lock (_ackLock)
        {
            return new Dictionary<string, string>(Acknowledged, StringComparer.Ordinal);
        }
    }

    public async Task<List<CloudEvent>> CloudEventsAsync(string? dev = null, string? type = null)
    {
        string query = string.Join('&', new[] { dev is null ? null : "dev=" + dev, type is null ? null : "type=" + type }.Where(q => q is not null));
        return await _http.GetFromJsonAsync<List<CloudEvent>>($"{CloudUrl}/api/v1/events{(query.Length > 0 ? "?" + query : "")}") ?? [];
    }

    /// <summary>An operator acknowledges the event at the platform (<c>POST /api/v1/acks</c>); returns the HTTP status.</summary>
    public async Task<int> AcknowledgeAtCloudAsync(string eventId, string by = "platform")
    {
        using HttpResponseMessage response = await _http.PostAsJsonAsync($"{CloudUrl}/api/v1/acks", new { id = eventId, by });
        return (int)response.StatusCode;
    }

    /// <summary>The platform sets a device's configuration (<c>POST /api/v1/devices/{dev}/config</c>); returns the HTTP status.</summary>
    public async Task<int> ConfigureAtCloudAsync(string deviceId, object body)
    {
        using HttpResponseMessage response = await _http.PostAsJsonAsync($"{CloudUrl}/api/v1/devices/{deviceId}/config", body);
        return (int)response.StatusCode;
    }

    public async Task SetCloudFaultAsync(string mode)
    {
        using HttpResponseMessage response = await _http.PostAsJsonAsync($"{CloudUrl}/admin/fault", new { mode });
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (VirtualPendant pendant in _pendants)
        {
            await pendant.DisposeAsync();
        }

        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        if (Cloud is not null)
        {
            await Cloud.DisposeAsync();
        }

        _http.Dispose();
        _directory.Dispose();
    }
}
