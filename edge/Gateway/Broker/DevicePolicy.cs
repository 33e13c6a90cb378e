using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Ingest;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.Firmware.Core.Events;
using MQTTnet.Protocol;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// What the embedded broker decides for a device (asked by <see cref="DeviceSessionHandler"/>): whether a CONNECT is let in, what a PUBLISH gets (stored, then its PUBACK reason
/// code, or the connection closed), whether a subscription is allowed. Every refusal is counted and logged once.
/// </summary>
public sealed class DevicePolicy
{
    private readonly MqttOptions _options;
    private readonly DeviceAuthenticator _authenticator;
    private readonly EventIngestor _ingestor;
    private readonly GatewayMetrics _metrics;
    private readonly ConnectGuard _guard;

    public DevicePolicy(MqttOptions options, DeviceAuthenticator authenticator, EventIngestor ingestor, GatewayMetrics metrics, TimeProvider time)
    {
        _options = options;
        _authenticator = authenticator;
        _ingestor = ingestor;
        _metrics = metrics;
        _guard = new ConnectGuard(options, time);
    }

    /// <summary>
    /// The cached secret, then the guard (before any hashing), then the registry's check, the slow hash gated by the
    /// guard. Success, or the CONNACK's reason. <paramref name="remote"/> is the peer's "ip:port".
    /// </summary>
    public async ValueTask<MqttConnectReasonCode> ValidateConnectAsync(string? clientId, string? userName, string? password, string remote, CancellationToken cancellationToken)
    {
        var quick = _authenticator.CheckWithoutSlowHash(clientId, userName, password);
        if (quick is { Ok: true })
        {
            // The secret this device already proved (a SHA-256 compare): let in without asking the guard, so that
            // failures from its address (guesses under its id, a device with a stale secret behind the same NAT)
            // can never keep it out.
            return MqttConnectReasonCode.Success;
        }

        var address = ConnectGuard.AddressKey(remote);
        var refusal = _guard.CheckBeforeAuthentication(address, userName, out var firstRefusal);
        if (refusal != ConnectRefusal.None)
        {
            return RateLimited(refusal, firstRefusal, address, userName);
        }

        AuthenticationResult result;
        if (quick is { } cheap)
        {
            _guard.RecordFailure(address, userName);
            result = cheap;
        }
        else
        {
            // The attempt records its own failure before the verification slot is released (ISlowHashGate).
            var attempt = _guard.Attempt(address, userName!);
            var verified = await _authenticator.VerifySlowAsync(userName!, password!, attempt, cancellationToken).ConfigureAwait(false);
            if (verified is not { } slow)
            {
                return RateLimited(attempt.Refusal, attempt.FirstRefusal, address, userName);
            }

            result = slow;
        }

        if (!result.Ok)
        {
            // The detail never contains the presented password.
            _ingestor.ReportRejected(userName ?? clientId ?? remote, result.Reason!, $"{result.Detail!} (from {address})");
            return result.Reason == RejectReasons.BadCredentials && _authenticator.TryGetDevice(userName ?? string.Empty, out var d) && !d.Enabled
                ? MqttConnectReasonCode.NotAuthorized
                : MqttConnectReasonCode.BadUserNameOrPassword;
        }

        return MqttConnectReasonCode.Success;
    }

    /// <summary>A device logged in: its telemetry counts as a flush for a while (ingest admission), and it is counted.</summary>
    public void Connected(string deviceId)
    {
        _ingestor.SessionStarted(deviceId);
        _metrics.CountConnectionAccepted();
    }

    /// <returns>
    /// The PUBACK's reason code (MQTT 5; 3.1.1 has none), its reason string, and whether to close the connection.
    /// A close with a reason string (device_mismatch) is a refusal the device is told first where MQTT can say it:
    /// the lean listener sends an MQTT 5 device that PUBACK, then closes; a 3.1.1 device gets no PUBACK (a plain one
    /// would read as "stored"). A close without a reason string sends nothing.
    /// </returns>
    public async ValueTask<PublishDecision> PublishAsync(
        string deviceId, string? topic, MqttQualityOfServiceLevel qos, byte[] payload, CancellationToken cancellationToken)
    {
        if (qos == MqttQualityOfServiceLevel.ExactlyOnce)
        {
            // Wire format v1 is QoS 1 only (dedup by event id does what QoS 2 would, without its extra round
            // trip). MQTT 5 3.3.1.2: a publish above the server's Maximum QoS is a protocol error -> disconnect;
            // for 3.1.1 there is no other way to refuse it. No PUBREC, nothing stored.
            _ingestor.ReportRejected(deviceId, BrokerRejectReasons.QosNotSupported, $"QoS 2 publish to '{Shorten(topic)}': only QoS 1 is supported");
            return new PublishDecision(MqttPubAckReasonCode.ImplementationSpecificError, null, true);
        }

        var kind = TopicAcl.ClassifyPublish(deviceId, topic ?? string.Empty);
        if (kind == TopicKind.NotAllowed)
        {
            // Wire format: a publish to another device's topic closes the connection (no PUBACK).
            _ingestor.ReportRejected(deviceId, RejectReasons.TopicNotAllowed, $"publish to '{Shorten(topic)}'");
            return new PublishDecision(MqttPubAckReasonCode.NotAuthorized, null, true);
        }

        if (kind == TopicKind.Status)
        {
            // online/offline presence: acknowledged; device health (last will -> offline alarm) comes later.
            return new PublishDecision(MqttPubAckReasonCode.Success, null, false);
        }

        var result = await _ingestor.IngestAsync(deviceId, payload, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            // Set explicitly: with no subscriber MQTTnet's server would answer NoMatchingSubscribers.
            IngestOutcome.Stored or IngestOutcome.Duplicate => new PublishDecision(MqttPubAckReasonCode.Success, null, false),
            // MQTT 5 tells the device why. MQTT 3.1.1 has no PUBACK reason code, so the device sees a plain PUBACK:
            // the bad event is acknowledged and dropped. It can never become valid, and refusing the ack would make
            // the device resend it forever and jam its outbox. Another device's event is spoofing: NotAuthorized, closed.
            IngestOutcome.Rejected when result.Reason == RejectReasons.DeviceMismatch => new PublishDecision(MqttPubAckReasonCode.NotAuthorized, result.Reason, true),
            IngestOutcome.Rejected => new PublishDecision(MqttPubAckReasonCode.PayloadFormatInvalid, result.Reason, false),
            // Not durable: no PUBACK at all, the device keeps the event and resends after reconnecting.
            _ => new PublishDecision(MqttPubAckReasonCode.UnspecifiedError, null, true),
        };
    }

    /// <summary>Only the device's own commands topic (never another device's, never a wildcard); a refusal is counted.</summary>
    public bool MaySubscribe(string deviceId, string? filter)
    {
        if (TopicAcl.MaySubscribe(deviceId, filter))
        {
            return true;
        }

        _ingestor.ReportRejected(deviceId, RejectReasons.TopicNotAllowed, $"subscribe to '{Shorten(filter)}'");
        return false;
    }

    /// <summary>Counted every time, logged once per window and key: a flood must not flood the log too.</summary>
    private MqttConnectReasonCode RateLimited(ConnectRefusal refusal, bool firstRefusal, string address, string? userName)
    {
        if (!firstRefusal)
        {
            _metrics.CountRejected(BrokerRejectReasons.ConnectRateLimited);
            return MqttConnectReasonCode.QuotaExceeded;
        }

        var window = _options.ConnectWindowSeconds;
        var (who, detail) = refusal switch
        {
            ConnectRefusal.DeviceFailingFromAddress => (userName!,
                $"{_options.ConnectFailuresPerDeviceFromAddress} failed logins as this device from {address} within {window} s: refused before hashing"),
            ConnectRefusal.HashBudgetSpent => (address,
                $"this address failed a login within {window} s and the {_options.FailingAddressHashesPerSecond} verifications/s for failing addresses are spent: refused before hashing"),
            _ => (address, $"{_options.ConnectFailuresPerAddress} failed logins from this address within {window} s: refused before hashing"),
        };
        _ingestor.ReportRejected(who, BrokerRejectReasons.ConnectRateLimited,
            detail + " (a device presenting its already verified secret still gets in; further refusals this window counted, not logged)");
        return MqttConnectReasonCode.QuotaExceeded;
    }

    private static string Shorten(string? text) => text is null ? string.Empty : text.Length <= 80 ? text : text[..80] + "...";
}
