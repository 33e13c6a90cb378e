using Eldercare.Edge.Gateway.Store;
using MQTTnet;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// The partial-answer rule of the MQTT upstream (as <see cref="HttpUpstream"/>'s: accepted, rejected, neither = again),
/// from the PUBACKs of a pipelined batch. Pure, so every reason code is tested without a broker.
/// </summary>
public static class MqttPublishAnswers
{
    public static MqttPublishVerdict Judge(MqttClientPublishReasonCode code, bool acceptWithoutSubscribers) => code switch
    {
        MqttClientPublishReasonCode.Success => MqttPublishVerdict.Accepted,
        MqttClientPublishReasonCode.NoMatchingSubscribers => acceptWithoutSubscribers ? MqttPublishVerdict.Accepted : MqttPublishVerdict.Retry,
        MqttClientPublishReasonCode.TopicNameInvalid or MqttClientPublishReasonCode.PayloadFormatInvalid => MqttPublishVerdict.Rejected,
        // NotAuthorized is the platform's ACL: an operator fixes it and the events must still arrive (an alarm is never
        // given up); quota, server errors and a packet id in use pass.
        _ => MqttPublishVerdict.Retry,
    };

    /// <summary>The reason recorded for a rejected event: the PUBACK's reason code, e.g. <c>mqtt_payload_format_invalid</c>.</summary>
    public static string ReasonOf(MqttClientPublishReasonCode code) => code switch
    {
        MqttClientPublishReasonCode.TopicNameInvalid => "mqtt_topic_name_invalid",
        MqttClientPublishReasonCode.PayloadFormatInvalid => "mqtt_payload_format_invalid",
        _ => "mqtt_" + ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The answer for <paramref name="batch"/>: <paramref name="codes"/>[i] is the PUBACK's reason code for batch[i], or
    /// null when none came (not sent, timed out, connection lost). <paramref name="retryReason"/> names the first event
    /// sent again and why (null when every event was settled), for the log and the exception when nothing was.
    /// </summary>
    public static UpstreamAnswer ToAnswer(IReadOnlyList<EventRecord> batch, IReadOnlyList<MqttClientPublishReasonCode?> codes, bool acceptWithoutSubscribers, out string? retryReason)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(codes);
        if (codes.Count != batch.Count)
        {
            throw new ArgumentException($"{codes.Count} outcomes for {batch.Count} events", nameof(codes));
        }

        var accepted = new List<string>(batch.Count);
        var rejected = new List<UpstreamRejection>();
        retryReason = null;
        for (var i = 0; i < batch.Count; i++)
        {
            var code = codes[i];
            var verdict = code is { } c ? Judge(c, acceptWithoutSubscribers) : MqttPublishVerdict.Retry;
            switch (verdict)
            {
                case MqttPublishVerdict.Accepted:
                    accepted.Add(batch[i].Id);
                    break;
                case MqttPublishVerdict.Rejected:
                    rejected.Add(new UpstreamRejection(batch[i].Id, ReasonOf(code!.Value)));
                    break;
                default:
                    retryReason ??= code is { } r ? $"{batch[i].Id}: PUBACK {r}" : $"{batch[i].Id}: no PUBACK";
                    break;
            }
        }

        return new UpstreamAnswer(accepted, rejected);
    }
}
