using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// Writes the gateway's registry file (edge/Gateway/Registry/DeviceRegistryFile: <c>{"devices":[{id, kind, enabled,
/// secretHash, salt, iterations}]}</c>, PBKDF2-SHA256, 16-byte salt, 32-byte hash) for many devices at once.
/// Written here, not through the gateway's registry code (the bench references the gateway project only for its store,
/// <see cref="StorePrefill"/>); a format drift shows up as refused CONNECTs.
/// </summary>
public static class RegistryWriter
{
    public static string SecretOf(string deviceId) => "bench-secret-" + deviceId;

    public static void Write(string path, IReadOnlyList<string> deviceIds, int iterations)
    {
        var entries = new object[deviceIds.Count];
        Parallel.For(0, deviceIds.Count, i =>
        {
            var salt = RandomNumberGenerator.GetBytes(16);
            var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(SecretOf(deviceIds[i])), salt, iterations, HashAlgorithmName.SHA256, 32);
            entries[i] = new
            {
                id = deviceIds[i],
                kind = "pendant",
                enabled = true,
                secretHash = Convert.ToBase64String(hash),
                salt = Convert.ToBase64String(salt),
                iterations,
            };
        });
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(new { devices = entries }));
    }

    /// <summary>Milliseconds of one PBKDF2-SHA256 verification at <paramref name="iterations"/> on this machine.</summary>
    public static double MeasureVerifyMilliseconds(int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var secret = Encoding.UTF8.GetBytes("bench-secret");
        Rfc2898DeriveBytes.Pbkdf2(secret, salt, iterations, HashAlgorithmName.SHA256, 32);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        const int Rounds = 5;
        for (var i = 0; i < Rounds; i++)
        {
            Rfc2898DeriveBytes.Pbkdf2(secret, salt, iterations, HashAlgorithmName.SHA256, 32);
        }

        return watch.Elapsed.TotalMilliseconds / Rounds;
    }
}
