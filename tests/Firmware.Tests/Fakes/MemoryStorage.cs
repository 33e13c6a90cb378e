using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Tests.Fakes;

/// <summary>Flash in memory. Survives a "reboot" when the same instance is given to a new app.</summary>
public sealed class MemoryStorage : IStorage
{
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);

    /// <summary>When set, every write fails (flash full).</summary>
    public bool FailWrites { get; set; }

    public int Count => _blobs.Count;

    public IReadOnlyCollection<string> Names => _blobs.Keys;

    public bool TryRead(string name, out byte[] data)
    {
        if (_blobs.TryGetValue(name, out byte[]? found))
        {
            data = (byte[])found.Clone();
            return true;
        }

        data = [];
        return false;
    }

    public bool TryWrite(string name, byte[] data)
    {
        if (FailWrites)
        {
            return false;
        }

        _blobs[name] = (byte[])data.Clone();
        return true;
    }

    public bool Delete(string name)
    {
        _blobs.Remove(name);
        return true;
    }

    public string[] List(string prefix) => _blobs.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToArray();

    /// <summary>Overwrites a blob with garbage, as a torn write would.</summary>
    public void Corrupt(string name) => _blobs[name] = [0x7B, 0x22];
}
