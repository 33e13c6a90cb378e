using System.Security.Cryptography;
using System.Text;

namespace Eldercare.Edge.Gateway.Registry;

/// <summary>PBKDF2-SHA256 for device secrets: slow on purpose, so a stolen registry file is not a list of passwords.</summary>
public static class SecretHasher
{
    /// <summary>OWASP 2023 suggests 600k for SHA-256 on servers; a Raspberry Pi verifying a 10k-device storm cannot,
    /// and verified secrets are cached, so 100k is the default and each entry carries its own count.</summary>
    public const int DefaultIterations = 100_000;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static DeviceRecord CreateRecord(string id, string secret, string kind = "pendant", bool enabled = true, int iterations = DefaultIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(secret, salt, iterations);
        return new DeviceRecord
        {
            Id = id,
            Kind = kind,
            Enabled = enabled,
            Salt = Convert.ToBase64String(salt),
            SecretHash = Convert.ToBase64String(hash),
            Iterations = iterations,
        };
    }

    public static bool Verify(DeviceRecord record, string presentedSecret)
    {
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(record.Salt);
            expected = Convert.FromBase64String(record.SecretHash);
        }
        catch (FormatException)
        {
            return false;
        }

        var actual = Derive(presentedSecret, salt, record.Iterations);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Cache key material: a fast digest, so the plain secret is not kept in memory.</summary>
    public static byte[] Fingerprint(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static byte[] Derive(string secret, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, Math.Max(1, iterations), HashAlgorithmName.SHA256, HashBytes);
}
