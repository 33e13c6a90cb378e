using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.VirtualDevice.Adapters;

/// <summary>
/// The device's flash as a folder: one file per blob, written to a temp file, flushed to
/// disk and renamed over the old one, so a kill mid-write leaves old or new, never torn.
/// </summary>
public sealed class FileStorage : IStorage
{
    private const string TempSuffix = ".tmp";
    private readonly string _directory;

    public FileStorage(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
        foreach (string stale in Directory.GetFiles(directory, "*" + TempSuffix))
        {
            File.Delete(stale);
        }
    }

    public bool TryRead(string name, out byte[] data)
    {
        try
        {
            data = File.ReadAllBytes(PathOf(name));
            return true;
        }
        catch (IOException)
        {
            data = [];
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            data = [];
            return false;
        }
    }

    public bool TryWrite(string name, byte[] data)
    {
        string path = PathOf(name);
        string temp = path + TempSuffix;
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(data);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    public bool Delete(string name)
    {
        try
        {
            File.Delete(PathOf(name));
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public string[] List(string prefix) =>
        Directory.GetFiles(_directory, prefix + "*")
            .Select(Path.GetFileName)
            .Where(n => n is not null && !n.EndsWith(TempSuffix, StringComparison.Ordinal))
            .Select(n => n!)
            .ToArray();

    private string PathOf(string name)
    {
        if (name.Length == 0 || name.IndexOfAny(['/', '\\']) >= 0 || name.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"blob name '{name}' is not a plain name", nameof(name));
        }

        return Path.Combine(_directory, name);
    }
}
