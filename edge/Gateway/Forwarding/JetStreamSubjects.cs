namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// The JetStream upstream's contract (docs/wire-format.md "Upstream JetStream"): stream names, subjects and the
/// message id header, spelled only here. The gateway publishes and consumes on them; the cloud stub compiles this same
/// file (linked in its project, where it is internal: the tests see the gateway's) to create the streams and consume,
/// so the two cannot drift apart.
/// </summary>
#if ELDERCARE_CLOUD_STUB
internal
#else
public
#endif
static class JetStreamSubjects
{
    /// <summary>The platform's events stream: every gateway's events, replicated (3 in the cluster).</summary>
    public const string EventsStream = "ELDERCARE_EVENTS";

    /// <summary>Events are published on <c>eldercare.v1.events.{lane}.{gateway}</c>: alarms on their own subject.</summary>
    public const string EventsRoot = "eldercare.v1.events";

    /// <summary>The platform's feed back to the gateways (acknowledgements, configurations), one subject per gateway.</summary>
    public const string DownlinksStream = "ELDERCARE_DOWNLINKS";

    public const string DownlinksRoot = "eldercare.v1.downlinks";

    /// <summary>The header JetStream deduplicates on within the stream's duplicate window: the event id.</summary>
    public const string MessageIdHeader = "Nats-Msg-Id";

    /// <summary>Every subject of the events stream.</summary>
    public const string AllEvents = EventsRoot + ".>";

    /// <summary>Every subject of the downlinks stream.</summary>
    public const string AllDownlinks = DownlinksRoot + ".*";

    /// <summary>Where a gateway publishes the events of one lane (<c>alarm</c>, <c>service</c>, <c>telemetry</c>).</summary>
    public static string Events(string lane, string gatewayId) => $"{EventsRoot}.{lane}.{gatewayId}";

    /// <summary>Every gateway's events of one lane (a consumer that takes alarms first filters on this).</summary>
    public static string LaneEvents(string lane) => $"{EventsRoot}.{lane}.*";

    /// <summary>The platform's feed to one gateway.</summary>
    public static string Downlinks(string gatewayId) => $"{DownlinksRoot}.{gatewayId}";

    /// <summary>The gateway's durable consumer of its feed (one per gateway, so it survives the gateway's restarts).</summary>
    public static string DownlinkConsumer(string gatewayId) => "gateway-" + gatewayId;

    /// <summary>
    /// True when <paramref name="token"/> can be one subject token: no separator, wildcard or white space (a gateway id is
    /// a device id, <c>a-z0-9-</c>, so always; checked anyway where configuration supplies it).
    /// </summary>
    public static bool IsToken(string token) =>
        token.Length > 0 && token.All(c => c > ' ' && c != '.' && c != '*' && c != '>' && c < 127);
}
