using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Eldercare.Firmware.Tools.HilRunner;

/// <summary>One event as the cloud stub lists it (<c>GET /api/v1/events</c>): rx is the gateway's receive time, unix ms.</summary>
public sealed record ObservedEvent(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("ts")] long Ts,
    [property: JsonPropertyName("rx")] long Rx);

/// <summary>
/// Where the runner observes the device: the cloud stub's event list, which holds what the gateway received and forwarded
/// (with the gateway's receive time). Polled, since the stub has no push API.
/// </summary>
public sealed class CloudEvents(HttpClient http, Uri cloudUrl)
{
    public async Task<IReadOnlyList<ObservedEvent>> ListAsync(string deviceId, string type, CancellationToken cancel)
    {
        var url = new Uri(cloudUrl, $"/api/v1/events?dev={Uri.EscapeDataString(deviceId)}&type={Uri.EscapeDataString(type)}");
        return await http.GetFromJsonAsync<List<ObservedEvent>>(url, cancel).ConfigureAwait(false) ?? [];
    }

    /// <summary>The first event of <paramref name="type"/> not in <paramref name="known"/>, or null when none came in time.</summary>
    public async Task<ObservedEvent?> WaitForNewAsync(string deviceId, string type, IReadOnlySet<string> known, TimeSpan timeout, CancellationToken cancel)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            foreach (ObservedEvent e in await ListAsync(deviceId, type, cancel).ConfigureAwait(false))
            {
                if (!known.Contains(e.Id))
                {
                    return e;
                }
            }

            if (DateTime.UtcNow >= deadline)
            {
                return null;
            }

            await Task.Delay(25, cancel).ConfigureAwait(false);
        }
    }
}
