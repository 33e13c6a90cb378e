namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// Topic rules of docs/wire-format.md: a device publishes only
/// <c>eldercare/v1/devices/{own id}/events|status</c> and subscribes only to its own <c>.../commands</c>.
/// Exact string comparison, so wildcards, <c>..</c> or extra levels never match.
/// </summary>
public static class TopicAcl
{
    public const string Prefix = "eldercare/v1/devices/";
    public const string EventsSuffix = "/events";
    public const string StatusSuffix = "/status";
    public const string CommandsSuffix = "/commands";

    public static string EventsTopic(string deviceId) => Prefix + deviceId + EventsSuffix;

    public static string StatusTopic(string deviceId) => Prefix + deviceId + StatusSuffix;

    public static string CommandsTopic(string deviceId) => Prefix + deviceId + CommandsSuffix;

    public static TopicKind ClassifyPublish(string deviceId, string? topic)
    {
        if (topic == EventsTopic(deviceId))
        {
            return TopicKind.Events;
        }

        return topic == StatusTopic(deviceId) ? TopicKind.Status : TopicKind.NotAllowed;
    }

    public static bool MaySubscribe(string deviceId, string? topicFilter) => topicFilter == CommandsTopic(deviceId);

    /// <summary>Device id from an events topic, for the external broker mode where mosquitto's ACL has already run.</summary>
    public static bool TryParseEventsTopic(string? topic, out string deviceId)
    {
        deviceId = string.Empty;
        if (topic is null || !topic.StartsWith(Prefix, StringComparison.Ordinal) || !topic.EndsWith(EventsSuffix, StringComparison.Ordinal))
        {
            return false;
        }

        var id = topic.Substring(Prefix.Length, topic.Length - Prefix.Length - EventsSuffix.Length);
        if (!Eldercare.Firmware.Core.Events.EventCodec.IsValidDeviceId(id))
        {
            return false;
        }

        deviceId = id;
        return true;
    }
}
