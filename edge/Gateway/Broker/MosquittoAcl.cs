using Eldercare.Firmware.Core.Events;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// <see cref="TopicAcl"/>'s rules written for mosquitto's <c>acl_file</c> (external broker mode): the gateway reads
/// every device's uplink and writes downlinks; each device only its own topics. <c>%u</c> is mosquitto's
/// authenticated username, which is the device id (<c>use_username_as_clientid true</c>). edge/mosquitto/acl.example
/// is this text with comments; the tests and the bench start mosquitto with it.
/// </summary>
public static class MosquittoAcl
{
    /// <summary>mosquitto's pattern substitution for the username (mosquitto.conf(5), <c>acl_file</c>).</summary>
    public const string Username = "%u";

    /// <summary>The ACL file's rule lines for a gateway logging in as <paramref name="gatewayUser"/>.</summary>
    public static IReadOnlyList<string> Lines(string gatewayUser) =>
    [
        "user " + gatewayUser,
        "topic read " + Topics.Events(Topics.AnyDevice),
        "topic read " + Topics.Status(Topics.AnyDevice),
        "topic write " + Topics.Commands(Topics.AnyDevice),
        string.Empty,
        "pattern write " + Topics.Events(Username),
        "pattern write " + Topics.Status(Username),
        "pattern read " + Topics.Commands(Username),
    ];

    /// <summary>The ACL file's text (ends with a newline).</summary>
    public static string Text(string gatewayUser) => string.Join('\n', Lines(gatewayUser)) + "\n";
}
