using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Eldercare.VirtualDevice.Cloud;

/// <summary>The outcome of an operator's acknowledgement at the cloud stub: the HTTP status and the answer's text.</summary>
public sealed record AcknowledgementOutcome(HttpStatusCode Status, string Body)
{
    /// <summary>201 (first time) or 200 (already acknowledged: harmless).</summary>
    public bool Accepted => Status is HttpStatusCode.Created or HttpStatusCode.OK;
}

/// <summary>
/// The operator's side of the cloud stub over HTTP (cloud-stub/README.md): read the stored events and acknowledge an
/// alarm or a service request (<c>POST /api/v1/acks</c>), which the gateway's long poll carries back to the device.
/// </summary>
public sealed class CloudStubClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    public CloudStubClient(Uri baseUrl, string? apiKey = null)
    {
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(10) };
        if (apiKey is not null)
        {
            _http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }
    }

    public Uri BaseUrl => _http.BaseAddress!;

    /// <summary>The stored events of a device and/or a type, in arrival order.</summary>
    public async Task<IReadOnlyList<CloudEvent>> EventsAsync(string? dev, string? type, CancellationToken cancel)
    {
        var query = new List<string>();
        if (dev is not null)
        {
            query.Add("dev=" + Uri.EscapeDataString(dev));
        }

        if (type is not null)
        {
            query.Add("type=" + Uri.EscapeDataString(type));
        }

        string path = "/api/v1/events" + (query.Count > 0 ? "?" + string.Join('&', query) : string.Empty);
        List<CloudEvent>? events = await _http.GetFromJsonAsync<List<CloudEvent>>(path, Json, cancel);
        return events ?? throw new InvalidDataException($"GET {path} answered null");
    }

    /// <summary>Acknowledges an event as an operator with role <paramref name="by"/> (a-z0-9-, it travels to the device).</summary>
    public async Task<AcknowledgementOutcome> AcknowledgeAsync(string eventId, string by, CancellationToken cancel)
    {
        using HttpResponseMessage response = await _http.PostAsJsonAsync("/api/v1/acks", new { id = eventId, by }, Json, cancel);
        return new AcknowledgementOutcome(response.StatusCode, await response.Content.ReadAsStringAsync(cancel));
    }

    /// <summary>Sets a device's configuration at the platform (<c>POST /api/v1/devices/{dev}/config</c>, cloud-stub/README.md).</summary>
    public async Task<AcknowledgementOutcome> ConfigureAsync(string deviceId, IReadOnlyDictionary<string, object> body, CancellationToken cancel)
    {
        using HttpResponseMessage response = await _http.PostAsJsonAsync($"/api/v1/devices/{Uri.EscapeDataString(deviceId)}/config", body, Json, cancel);
        return new AcknowledgementOutcome(response.StatusCode, await response.Content.ReadAsStringAsync(cancel));
    }

    public void Dispose() => _http.Dispose();
}
