using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Eldercare.Security.Tests.Support;

/// <summary>Self-signed certificates made by the test (CertificateRequest), for 127.0.0.1 and localhost.</summary>
public static class TestCertificates
{
    public static X509Certificate2 CreateSelfSigned(string name = "eldercare-test")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>Writes the certificate with its key as a password-protected .pfx; returns the path.</summary>
    public static string WritePfx(X509Certificate2 certificate, string directory, string password)
    {
        var path = Path.Combine(directory, "server.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    /// <summary>Writes the public certificate as PEM (what the other side trusts); returns the path.</summary>
    public static string WritePem(X509Certificate2 certificate, string directory)
    {
        var path = Path.Combine(directory, "server.crt");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }
}
