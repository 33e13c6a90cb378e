using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// Brings the platform's acknowledgements ("a person has seen this alarm") to the devices: a long poll the gateway
/// opens (<c>GET {CloudUrl}/api/v1/acks?gateway=&amp;after=&amp;waitMs=</c>, cloud-stub/README.md), so the platform never
/// reaches into the community's network. The same feed carries the platform's configurations (type <c>config</c>,
/// queued as they come after the device's decoder accepts them). Each item goes to <see cref="PlatformFeedHandler"/> (an
/// <c>ack</c> command queued durably for the device: delivered at once when it is connected, on reconnect when it is
/// not). The cursor is kept in <c>acks.cursor</c> beside the store and saved only after the batch's downlinks are
/// queued, so a crash repeats an acknowledgement (harmless on the device) and never loses one.
/// </summary>
public sealed class AcknowledgementPuller : BackgroundService
{
    /// <summary>How long one poll may wait at the platform for a new acknowledgement.</summary>
    public const int PollWaitMilliseconds = 25_000;

    private readonly HttpClient _http;
    private readonly ForwarderOptions _options;
    private readonly PlatformFeedHandler _handler;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<AcknowledgementPuller> _logger;
    private readonly TimeProvider _time;
    private readonly string _cursorPath;

    /// <param name="handler">What is done with each item (<see cref="PlatformFeedHandler"/>, shared with the JetStream feed).</param>
    public AcknowledgementPuller(HttpClient http, ForwarderOptions options, string dataDirectory, PlatformFeedHandler handler, GatewayMetrics metrics, ILogger<AcknowledgementPuller> logger, TimeProvider time)
    {
        _http = http;
        _options = options;
        _handler = handler;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _cursorPath = Path.Combine(dataDirectory, "acks.cursor");
    }

    /// <summary>The last acknowledgement handled (its seq at the platform).</summary>
    public long Cursor { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Cursor = LoadCursor();
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var answer = await PollAsync(stoppingToken).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(100);
                if (answer.Acks.Length == 0)
                {
                    continue;
                }

                foreach (var ack in answer.Acks)
                {
                    await _handler.DeliverAsync(ack, stoppingToken).ConfigureAwait(false);
                }

                Cursor = answer.Acks[^1].Seq;
                SaveCursor(Cursor);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or UpstreamException
                or Broker.DownlinkUnavailableException)
            {
                _metrics.CountAcknowledgementPollFailure();
                _logger.LogWarning("acknowledgements: poll failed ({Error}); again in {Delay} ms", exception.GetBaseException().Message, (int)backoff.TotalMilliseconds);
                await Task.Delay(backoff, _time, stoppingToken).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 5_000));
            }
        }
    }

    private async Task<AckPage> PollAsync(CancellationToken stoppingToken)
    {
        var uri = new Uri(new Uri(_options.CloudUrl.TrimEnd('/') + "/"), $"api/v1/acks?gateway={Uri.EscapeDataString(_options.GatewayId)}&after={Cursor}&max=500&waitMs={PollWaitMilliseconds}");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            request.Headers.Add("X-Api-Key", _options.ApiKey);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(PollWaitMilliseconds + _options.RequestTimeoutMilliseconds));
        using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new UpstreamException($"GET acks answered {(int)response.StatusCode}");
        }

        return await response.Content.ReadFromJsonAsync<AckPage>(timeout.Token).ConfigureAwait(false)
            ?? throw new UpstreamException("GET acks answered an empty body");
    }

    private long LoadCursor()
    {
        try
        {
            return File.Exists(_cursorPath) && long.TryParse(File.ReadAllText(_cursorPath).Trim(), out var cursor) && cursor >= 0 ? cursor : 0;
        }
        catch (IOException exception)
        {
            _logger.LogWarning("acknowledgements: cursor unreadable ({Error}); starting from 0 (repeats are harmless)", exception.Message);
            return 0;
        }
    }

    private void SaveCursor(long cursor)
    {
        var temporary = _cursorPath + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(System.Text.Encoding.ASCII.GetBytes(cursor.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, _cursorPath, overwrite: true);
    }

    private sealed class AckPage
    {
        [JsonPropertyName("acks")]
        public PlatformFeedItem[] Acks { get; init; } = [];

        [JsonPropertyName("next")]
        public long Next { get; init; }
    }
}
