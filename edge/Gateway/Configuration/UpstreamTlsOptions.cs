namespace Eldercare.Edge.Gateway.Configuration;

/// <summary>
/// Configuration section <c>Gateway:UpstreamTls</c>: which server certificate the forwarder trusts on an
/// <c>https</c> CloudUrl besides the system's CAs. For a platform with a private CA or a self-signed certificate:
/// trust that CA (or certificate) file, or pin the server certificate's SHA-256 thumbprint. The host name is
/// always checked; an untrusted or mismatched certificate fails the POST (retried, counted as a forward failure).
/// </summary>
public sealed class UpstreamTlsOptions
{
    /// <summary>PEM or DER file of a CA certificate (or the server's self-signed certificate) to trust as a root.</summary>
    public string? TrustedCaPath { get; init; }

    /// <summary>Hex SHA-256 thumbprint of the server certificate to accept (pinning), colons and case ignored.</summary>
    public string? PinnedThumbprintSha256 { get; init; }

    public bool HasCustomTrust => !string.IsNullOrWhiteSpace(TrustedCaPath) || !string.IsNullOrWhiteSpace(PinnedThumbprintSha256);

    public string? NormalizedPin => PinnedThumbprintSha256?.Replace(":", string.Empty, StringComparison.Ordinal).Trim().ToUpperInvariant();

    public IEnumerable<string> Validate()
    {
        if (!string.IsNullOrWhiteSpace(TrustedCaPath) && !File.Exists(TrustedCaPath))
        {
            yield return $"Gateway:UpstreamTls:TrustedCaPath '{TrustedCaPath}' does not exist";
        }

        var pin = NormalizedPin;
        if (!string.IsNullOrEmpty(pin) && (pin.Length != 64 || !pin.All(Uri.IsHexDigit)))
        {
            yield return "Gateway:UpstreamTls:PinnedThumbprintSha256 must be 64 hex digits (SHA-256 of the certificate)";
        }
    }
}
