using System.Text.Json;

namespace Eldercare.Edge.Gateway.ModuleTwin;

/// <summary>
/// The last desired properties the gateway started with (<c>module-twin.json</c> beside the store, on the host's bind
/// mount): when a later desired version is refused at a restart, the gateway keeps running as it last did, not on the
/// image's defaults (a city URL silently reset to the default would stop every alarm). Written by rename, so a power
/// cut leaves the old file or the new one.
/// </summary>
public static class AppliedTwinFile
{
    public const string FileName = "module-twin.json";

    public static TwinDesired? Read(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var saved = JsonSerializer.Deserialize<Saved>(File.ReadAllText(path));
            return saved?.Settings is null ? null : new TwinDesired(saved.Version, new SortedDictionary<string, string>(saved.Settings, StringComparer.Ordinal), []);
        }
        catch (JsonException)
        {
            // Not what this class writes (edited by hand?): treated as absent; the next applied version replaces it.
            return null;
        }
    }

    public static void Write(string dataDirectory, TwinDesired applied)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, new Saved(applied.Version, new Dictionary<string, string>(applied.Settings, StringComparer.Ordinal)));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private sealed record Saved(long? Version, Dictionary<string, string>? Settings);
}
