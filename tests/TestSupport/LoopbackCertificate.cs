using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Eldercare.TestSupport;

/// <summary>
/// A self-signed server certificate for 127.0.0.1 and localhost (server authentication, valid for a day), written as
/// PEM: the certificate (also the trust a client is given) and its private key. For the test brokers' TLS listeners.
/// </summary>
public static class LoopbackCertificate
{
    public static async Task WriteAsync(string commonName, string certificatePath, string keyPath)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem()).ConfigureAwait(false);
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem()).ConfigureAwait(false);
    }
}
