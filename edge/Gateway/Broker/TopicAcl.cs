using Eldercare.Firmware.Core.Events;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// Topic rules of docs/wire-format.md: a device publishes only its own <see cref="Topics.Events"/> and
/// <see cref="Topics.Status"/> and subscribes only to its own <see cref="Topics.Commands"/> (the firmware core's
/// <see cref="Topics"/> spells them). Exact string comparison, so wildcards, <c>..</c> or extra levels never match.
/// </summary>
public static class TopicAcl
{
    /// <summary>Compared in place against <see cref="Topics"/>' parts (building the two topics to compare with was two
    /// concatenations per publish: ~24 MB of garbage in a 10k-device storm).</summary>
    public static TopicKind ClassifyPublish(string deviceId, string? topic)
    {
        var suffixAt = Topics.Root.Length + deviceId.Length;
        if (topic is null || topic.Length <= suffixAt || !topic.StartsWith(Topics.Root, StringComparison.Ordinal)
            || !topic.AsSpan(Topics.Root.Length, deviceId.Length).SequenceEqual(deviceId))
        {
            return TopicKind.NotAllowed;
        }

        var suffix = topic.AsSpan(suffixAt);
        return suffix.SequenceEqual(Topics.EventsSuffix) ? TopicKind.Events
            : suffix.SequenceEqual(Topics.StatusSuffix) ? TopicKind.Status
            : TopicKind.NotAllowed;
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
