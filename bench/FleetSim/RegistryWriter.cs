using Eldercare.Edge.Gateway.Registry;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// The bench fleet's credentials in the gateway's registry file, written by the gateway's own code
/// (<see cref="SecretHasher"/>, <see cref="DeviceRegistryFile"/>): the bench never spells the format itself.
/// </summary>
public static class RegistryWriter
{
    public static string SecretOf(string deviceId) => "bench-secret-" + deviceId;

    /// <summary>Replaces <paramref name="path"/> with one enabled pendant per id; the hashes are computed in parallel.</summary>
    public static void Write(string path, IReadOnlyList<string> deviceIds, int iterations)
    {
        var records = new DeviceRecord[deviceIds.Count];
        Parallel.For(0, deviceIds.Count, i => records[i] = SecretHasher.CreateRecord(deviceIds[i], SecretOf(deviceIds[i]), iterations: iterations));
        DeviceRegistryFile.Write(path, records);
    }

    /// <summary>Milliseconds of one gateway verification (<see cref="SecretHasher.Verify"/>) at <paramref name="iterations"/> on this machine.</summary>
    public static double MeasureVerifyMilliseconds(int iterations)
    {
        const string Secret = "bench-secret";
        var record = SecretHasher.CreateRecord("bench-0000", Secret, iterations: iterations);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        const int Rounds = 5;
        for (var i = 0; i < Rounds; i++)
        {
            if (!SecretHasher.Verify(record, Secret))
            {
                throw new InvalidOperationException("the gateway's hasher refused its own record");
            }
        }

        return watch.Elapsed.TotalMilliseconds / Rounds;
    }
}
