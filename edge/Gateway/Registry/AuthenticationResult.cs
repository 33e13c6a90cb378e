namespace Eldercare.Edge.Gateway.Registry;

/// <summary>Outcome of a CONNECT check: ok, or a reason code from docs/wire-format.md and a detail without the secret.</summary>
public readonly record struct AuthenticationResult(bool Ok, string? Reason, string? Detail)
{
    public static AuthenticationResult Accepted { get; } = new(true, null, null);

    public static AuthenticationResult Refused(string reason, string detail) => new(false, reason, detail);
}
