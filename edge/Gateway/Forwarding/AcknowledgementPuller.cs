using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Eldercare.Edge.Gateway.Broker.Sessions;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Firmware.Core.Commands;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// Brings the platform's acknowledgements ("a person has seen this alarm") to the devices: a long poll the gateway
/// opens (<c>GET {CloudUrl}/api/v1/acks?gateway=&amp;after=&amp;waitMs=</c>, cloud-stub/README.md), so the platform never
/// reaches into the community's network. The same feed carries the platform's configurations (type <c>config</c>,
/// queued as they come after the device's decoder accepts them). Each acknowledgement becomes an <c>ack</c> command (CommandCodec) queued
/// durably for the device (<see cref="IDownlinks"/>): delivered at once when it is connected, on reconnect when it is
/// not. The cursor is kept in <c>acks.cursor</c> beside the store and saved only after the batch's downlinks are
/// queued, so a crash repeats an acknowledgement (harmless on the device) and never loses one.
/// </summary>
public sealed class AcknowledgementPuller : BackgroundService
{
    /// <summary>How long one poll may wait at the platform for a new acknowledgement.</summary>
    public const int PollWaitMilliseconds = 25_000;

    private readonly HttpClient _http;
    private readonly ForwarderOptions _options;
    private readonly IDownlinks _downlinks;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<AcknowledgementPuller> _logger;
    private readonly TimeProvider _time;
    private readonly string _cursorPath;
    private readonly IAcknowledgementObserver[] _observers;

    /// <param name="observers">Told of each acknowledgement of this gateway's events (the console); none is fine.</param>
    public AcknowledgementPuller(HttpClient http, ForwarderOptions options, string dataDirectory, IDownlinks downlinks, GatewayMetrics metrics, ILogger<AcknowledgementPuller> logger, TimeProvider time, IEnumerable<IAcknowledgementObserver>? observers = null)
    {
        _http = http;
        _options = options;
        _downlinks = downlinks;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _cursorPath = Path.Combine(dataDirectory, "acks.cursor");
        _observers = observers?.ToArray() ?? [];
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
                    await DeliverAsync(ack, stoppingToken).ConfigureAwait(false);
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

    private async Task DeliverAsync(AckItem ack, CancellationToken cancellationToken)
    {
        if (ack.Type == CommandNames.Config)
        {
            await DeliverConfigurationAsync(ack, cancellationToken).ConfigureAwait(false);
            return;
        }

        _metrics.CountAcknowledgementReceived();
        var payload = ack.Gateway == _options.GatewayId ? CommandCodec.EncodeAck(ack.Id, ack.Ts, ack.By) : null;
        if (payload is null || !CommandCodec.TryParseEventId(ack.Id, out var deviceId, out _, out _) || deviceId != ack.Dev)
        {
            // Another gateway's alarm, or an acknowledgement the device could not read: never sent, counted.
            var reason = ack.Gateway != _options.GatewayId ? "other_gateway" : "bad_ack";
            _metrics.CountAcknowledgementRefused(reason);
            _logger.LogWarning("acknowledgement of {Id} not sent: {Reason}", Eldercare.Firmware.Core.Text.LogText.Untrusted(ack.Id ?? string.Empty, 80), reason);
            return;
        }

        foreach (var observer in _observers)
        {
            observer.Acknowledged(ack.Id, ack.By);
        }

        if (deviceId == _options.GatewayId)
        {
            // The gateway's own alarm (device_offline, about its subj): a person saw it, and no device is there to tell.
            _metrics.CountAcknowledgementRefused("gateway_event");
            _logger.LogInformation("acknowledgement of {Id} by {By}: a gateway alarm, no downlink", ack.Id, ack.By ?? "-");
            return;
        }

        var outcome = await _downlinks.EnqueueAsync(deviceId, payload, cancellationToken).ConfigureAwait(false);
        if (outcome == DownlinkOutcome.Queued)
        {
            _metrics.CountAcknowledgementQueued();
            _logger.LogInformation("acknowledgement of {Id} by {By} queued for {Device}", ack.Id, ack.By ?? "-", deviceId);
            return;
        }

        _metrics.CountAcknowledgementRefused(outcome.ToString());
        _logger.LogWarning("acknowledgement of {Id} not queued for {Device}: {Outcome}", ack.Id, deviceId, outcome);
    }

    /// <summary>
    /// A configuration for one of this gateway's devices: checked with the device's own decoder (what the device would
    /// refuse is refused here with the reason, and never sent), then queued for the device like an acknowledgement.
    /// The device checks the settings against what it has and answers with config_applied / config_rejected.
    /// </summary>
    private async Task DeliverConfigurationAsync(AckItem item, CancellationToken cancellationToken)
    {
        var payload = System.Text.Encoding.UTF8.GetBytes(item.Payload ?? string.Empty);
        var decoded = CommandCodec.Decode(payload, payload.Length);
        string? reason = item.Gateway != _options.GatewayId ? "other_gateway"
            : !decoded.IsValid || decoded.Command.Config is null ? "bad_config"
            : !Eldercare.Firmware.Core.Events.EventCodec.IsValidDeviceId(item.Dev) || item.Dev == _options.GatewayId ? "bad_device"
            : null;
        if (reason is not null)
        {
            _metrics.CountConfigurationRefused(reason);
            _logger.LogWarning("configuration {Id} not sent: {Reason} {Detail}", Eldercare.Firmware.Core.Text.LogText.Untrusted(item.Id ?? string.Empty, 80), reason,
                decoded.IsValid ? string.Empty : decoded.Reason + ": " + decoded.Detail);
            return;
        }

        var outcome = await _downlinks.EnqueueAsync(item.Dev, payload, cancellationToken).ConfigureAwait(false);
        if (outcome == DownlinkOutcome.Queued)
        {
            _metrics.CountConfigurationQueued();
            _logger.LogInformation("configuration version {Version} queued for {Device}", decoded.Command.Config!.Version, item.Dev);
            return;
        }

        _metrics.CountConfigurationRefused(outcome.ToString());
        _logger.LogWarning("configuration {Id} not queued for {Device}: {Outcome}", item.Id, item.Dev, outcome);
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
        public AckItem[] Acks { get; init; } = [];

        [JsonPropertyName("next")]
        public long Next { get; init; }
    }

    private sealed class AckItem
    {
        [JsonPropertyName("seq")]
        public long Seq { get; init; }

        [JsonPropertyName("id")]
        public string Id { get; init; } = string.Empty;

        [JsonPropertyName("dev")]
        public string Dev { get; init; } = string.Empty;

        [JsonPropertyName("gateway")]
        public string Gateway { get; init; } = string.Empty;

        [JsonPropertyName("ts")]
        public long Ts { get; init; }

        [JsonPropertyName("by")]
        public string? By { get; init; }

        /// <summary>The event's type for an acknowledgement; <c>config</c> for a configuration.</summary>
        [JsonPropertyName("type")]
        public string? Type { get; init; }

        /// <summary>A configuration's command, as the device gets it.</summary>
        [JsonPropertyName("payload")]
        public string? Payload { get; init; }
    }
}
