using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eldercare.Edge.Gateway.Configuration;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// The one rule for the platform's server certificate, for every upstream kind (HTTP, MQTT): system trust; besides it a
/// private CA (custom root, full chain check) or a pinned SHA-256 thumbprint. A name mismatch is never accepted.
/// </summary>
public sealed class UpstreamTrust
{
    private readonly X509Certificate2? _ca;
    private readonly string? _pin;

    public UpstreamTrust(string? trustedCaPath, string? pinnedThumbprintSha256)
    {
        _ca = string.IsNullOrWhiteSpace(trustedCaPath) ? null : X509CertificateLoader.LoadCertificateFromFile(trustedCaPath);
        _pin = string.IsNullOrWhiteSpace(pinnedThumbprintSha256) ? null : new UpstreamTlsOptions { PinnedThumbprintSha256 = pinnedThumbprintSha256 }.NormalizedPin;
    }

    public static UpstreamTrust From(UpstreamTlsOptions tls) => new(tls.TrustedCaPath, tls.PinnedThumbprintSha256);

    /// <summary>True when neither a CA nor a pin is configured: the system's validation alone decides.</summary>
    public bool SystemOnly => _ca is null && _pin is null;

    /// <summary>The TLS validation callback's answer.</summary>
    public bool Accepts(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (_pin is not null && Convert.ToHexString(SHA256.HashData(presented.RawData)) == _pin)
        {
            return true;
        }

        if (_ca is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(presented);
    }
}
