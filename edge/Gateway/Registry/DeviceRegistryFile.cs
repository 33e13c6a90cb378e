using System.Text.Json;
using System.Text.Json.Serialization;

namespace Eldercare.Edge.Gateway.Registry;

/// <summary>The registry file: <c>{"devices":[{"id":...,"secretHash":...,"salt":...,"iterations":...,"enabled":true,"kind":"pendant"}]}</c>.</summary>
public static class DeviceRegistryFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static IReadOnlyList<DeviceRecord> Load(string path)
    {
        using var stream = File.OpenRead(path);
        var file = JsonSerializer.Deserialize<FileShape>(stream, Json);
        return file?.Devices ?? [];
    }

    /// <summary>Adds or replaces entries, written atomically (temp file + rename) so a running gateway never reads half a file.</summary>
    public static void Upsert(string path, IEnumerable<DeviceRecord> records)
    {
        var byId = new Dictionary<string, DeviceRecord>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            foreach (var existing in Load(path))
            {
                byId[existing.Id] = existing;
            }
        }

        foreach (var record in records)
        {
            byId[record.Id] = record;
        }

        Write(path, byId.Values);
    }

    /// <summary>Replaces the file with exactly <paramref name="records"/> (sorted by id), atomically as <see cref="Upsert"/>.</summary>
    public static void Write(string path, IEnumerable<DeviceRecord> records)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new FileShape { Devices = records.OrderBy(d => d.Id, StringComparer.Ordinal).ToList() }, Json));
        File.Move(temp, path, overwrite: true);
    }

    private sealed class FileShape
    {
        [JsonPropertyName("devices")]
        public List<DeviceRecord> Devices { get; init; } = [];
    }
}
