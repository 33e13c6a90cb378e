namespace Eldercare.VirtualDevice;

/// <summary>One provisioned device: id and secret (the gateway's registry holds only the secret's hash).</summary>
public sealed record DeviceCredentials(string DeviceId, string Secret);

/// <summary>
/// Reads and writes the simulator's device list, a CSV of <c>id,secret</c> lines (header
/// <c>device_id,secret</c>). Bad lines are reported with file and line, never skipped silently.
/// </summary>
public static class DeviceList
{
    public const string Header = "device_id,secret";

    public static IReadOnlyList<DeviceCredentials> Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: device list not found");
        }

        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0].Trim() != Header)
        {
            throw new InvalidDataException($"{path}:1: expected header '{Header}'");
        }

        var devices = new List<DeviceCredentials>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            string[] parts = line.Split(',');
            if (parts.Length != 2 || !Eldercare.Firmware.Core.Events.EventCodec.IsValidDeviceId(parts[0]) || parts[1].Length < 8)
            {
                throw new InvalidDataException($"{path}:{i + 1}: expected '<device id>,<secret of 8+ chars>'");
            }

            if (!seen.Add(parts[0]))
            {
                throw new InvalidDataException($"{path}:{i + 1}: device '{parts[0]}' listed twice");
            }

            devices.Add(new DeviceCredentials(parts[0], parts[1]));
        }

        return devices;
    }

    /// <summary>Makes <paramref name="count"/> devices named prefix-0001.. with random 128-bit secrets.</summary>
    public static IReadOnlyList<DeviceCredentials> Generate(string prefix, int count) =>
        Enumerable.Range(1, count)
            .Select(i => new DeviceCredentials($"{prefix}-{i:D4}", Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).ToLowerInvariant()))
            .ToArray();

    public static void Save(string path, IEnumerable<DeviceCredentials> devices)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllLines(path, new[] { Header }.Concat(devices.Select(d => d.DeviceId + "," + d.Secret)));
    }
}
