namespace Eldercare.Edge.Gateway.Metrics;

/// <summary>One upstream kind's state: <see cref="Up"/> null before its first send; the last error's kind and message.</summary>
public sealed record UpstreamState(string Kind, bool? Up, string? LastError, string? LastErrorDetail, long ChangedAtUnixMilliseconds)
{
    public string Name => Up switch
    {
        null => "unknown",
        true => "up",
        false => "down",
    };
}
