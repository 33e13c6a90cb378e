using System.Security.Cryptography;
using System.Text;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// Card UIDs are kept only as keyed hashes (HMAC-SHA256 with a key of this gateway, <c>console.key</c> beside
/// console.db, created on first start, readable by its owner only): a kiosk's request is matched to the elder without
/// the desk's file, page or log ever holding the UID in clear, and a copied console.db alone does not give the UIDs
/// away (a 4-byte UID is too short a secret for a plain hash). The page shows only <see cref="Hint"/>.
/// </summary>
public sealed class CardHasher
{
    public const string KeyFileName = "console.key";

    private readonly byte[] _key;

    public CardHasher(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32)
        {
            throw new ArgumentException("a card key needs 32 bytes", nameof(key));
        }

        _key = key;
    }

    /// <summary>Loads the gateway's key from <paramref name="dataDirectory"/>, making one the first time.</summary>
    public static CardHasher Open(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, KeyFileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(dataDirectory);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var file = new FileStream(path, options);
            file.Write(RandomNumberGenerator.GetBytes(32));
            file.Flush(flushToDisk: true);
        }

        var key = File.ReadAllBytes(path);
        return key.Length >= 32 ? new CardHasher(key) : throw new InvalidDataException($"{path} holds {key.Length} bytes, not a 32-byte key");
    }

    /// <summary>Upper-case hex without separators, as kiosks send it (docs/wire-format.md <c>card</c>); false when it is not a card UID.</summary>
    public static bool TryNormalize(string? text, out string uid)
    {
        uid = (text ?? string.Empty).Replace(":", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal)
            .Replace("-", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        return Eldercare.Firmware.Core.Events.EventCodec.IsValidCardUid(uid);
    }

    public string Hash(string normalizedUid) =>
        Convert.ToHexString(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(normalizedUid)));

    /// <summary>What the page may show of a card: its size and last two hex digits, e.g. "••••••C3".</summary>
    public static string Hint(string normalizedUid) => new string('•', normalizedUid.Length - 2) + normalizedUid[^2..];
}
