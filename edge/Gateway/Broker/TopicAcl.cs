using Eldercare.Firmware.Core.Events;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// Topic rules of docs/wire-format.md: a device publishes only its own <see cref="Topics.Events"/> and
/// <see cref="Topics.Status"/> and subscribes only to its own <see cref="Topics.Commands"/> (the firmware core's
/// <see cref="Topics"/> spells them). Exact string comparison, so wildcards, <c>..</c> or extra levels never match.
/// </summary>
public static class TopicAcl
{
    public static TopicKind ClassifyPublish(string deviceId, string? topic)
    {
        if (topic == Topics.Events(deviceId))
        {
            return TopicKind.Events;
        }

        return topic == Topics.Status(deviceId) ? TopicKind.Status : TopicKind.NotAllowed;
    }

    public static bool MaySubscribe(string deviceId, string? topicFilter) => topicFilter == Topics.Commands(deviceId);

    /// <summary>Device id from an events topic, for the external broker mode where mosquitto's ACL has already run.</summary>
    public static bool TryParseEventsTopic(string? topic, out string deviceId)
    {
        deviceId = string.Empty;
        if (topic is null || !topic.StartsWith(Topics.Root, StringComparison.Ordinal) || !topic.EndsWith(Topics.EventsSuffix, StringComparison.Ordinal))
        {
            return false;
        }

        var id = topic.Substring(Topics.Root.Length, topic.Length - Topics.Root.Length - Topics.EventsSuffix.Length);
        if (!EventCodec.IsValidDeviceId(id))
        {
            return false;
        }

        deviceId = id;
        return true;
    }
}
