using System.Text.Json.Serialization;
using Eldercare.Edge.Gateway.Broker.Sessions;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Firmware.Core.Commands;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// What the gateway does with one item of the platform's feed (an operator's acknowledgement or a configuration),
/// however it came: the HTTP long poll (<see cref="AcknowledgementPuller"/>) or the JetStream downlinks consumer
/// (<see cref="JetStreamDownlinkConsumer"/>). An acknowledgement becomes an <c>ack</c> command (CommandCodec) queued
/// durably for its device (<see cref="IDownlinks"/>); a configuration is checked with the device's own decoder and
/// queued. Refusals are counted and logged, never thrown; a downlink store that is unavailable throws (the caller
/// keeps the item and tries again).
/// </summary>
public sealed class PlatformFeedHandler
{
    private readonly string _gatewayId;
    private readonly IDownlinks _downlinks;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly IAcknowledgementObserver[] _observers;

    /// <param name="observers">Told of each acknowledgement of this gateway's events (the console); none is fine.</param>
    public PlatformFeedHandler(string gatewayId, IDownlinks downlinks, GatewayMetrics metrics, ILogger<PlatformFeedHandler> logger, IEnumerable<IAcknowledgementObserver>? observers = null)
    {
        _gatewayId = gatewayId;
        _downlinks = downlinks;
        _metrics = metrics;
        _logger = logger;
        _observers = observers?.ToArray() ?? [];
    }

    public async Task DeliverAsync(PlatformFeedItem ack, CancellationToken cancellationToken)
    {
        if (ack.Type == CommandNames.Config)
        {
            await DeliverConfigurationAsync(ack, cancellationToken).ConfigureAwait(false);
            return;
        }

        _metrics.CountAcknowledgementReceived();
        var payload = ack.Gateway == _gatewayId ? CommandCodec.EncodeAck(ack.Id, ack.Ts, ack.By) : null;
        if (payload is null || !CommandCodec.TryParseEventId(ack.Id, out var deviceId, out _, out _) || deviceId != ack.Dev)
        {
            // Another gateway's alarm, or an acknowledgement the device could not read: never sent, counted.
            var reason = ack.Gateway != _gatewayId ? "other_gateway" : "bad_ack";
            _metrics.CountAcknowledgementRefused(reason);
            _logger.LogWarning("acknowledgement of {Id} not sent: {Reason}", Eldercare.Firmware.Core.Text.LogText.Untrusted(ack.Id ?? string.Empty, 80), reason);
            return;
        }

        foreach (var observer in _observers)
        {
            observer.Acknowledged(ack.Id, ack.By);
        }

        if (deviceId == _gatewayId)
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
    private async Task DeliverConfigurationAsync(PlatformFeedItem item, CancellationToken cancellationToken)
    {
        var payload = System.Text.Encoding.UTF8.GetBytes(item.Payload ?? string.Empty);
        var decoded = CommandCodec.Decode(payload, payload.Length);
        string? reason = item.Gateway != _gatewayId ? "other_gateway"
            : !decoded.IsValid || decoded.Command.Config is null ? "bad_config"
            : !Eldercare.Firmware.Core.Events.EventCodec.IsValidDeviceId(item.Dev) || item.Dev == _gatewayId ? "bad_device"
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
}

/// <summary>One item of the platform's feed (cloud-stub/README.md "GET /api/v1/acks"; the same JSON on JetStream).</summary>
    public sealed class PlatformFeedItem
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
