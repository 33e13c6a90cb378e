using System.Text.Json;

namespace Eldercare.Firmware.Tests.NanoCompile;

/// <summary>One entry of a hardware/*.pins.json file.</summary>
public sealed record PinMapEntry(int Gpio, string Function, string Part, bool Firmware, bool Wake, string? ConnectsToDevice, int? ConnectsToGpio);

/// <summary>A hardware/&lt;device&gt;.pins.json file: the machine-readable wiring of one board.</summary>
public sealed class PinMap
{
    private PinMap(string device, string? firmware, IReadOnlyList<PinMapEntry> pins)
    {
        Device = device;
        Firmware = firmware;
        Pins = pins;
    }

    public string Device { get; }

    /// <summary>The device project's folder, or null (gateway, rig).</summary>
    public string? Firmware { get; }

    public IReadOnlyList<PinMapEntry> Pins { get; }

    public static PinMap Load(string root, string device)
    {
        string path = Path.Combine(root, "hardware", device + ".pins.json");
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement top = json.RootElement;
        string name = top.GetProperty("device").GetString() ?? throw new InvalidDataException(path + ": device missing");
        string? firmware = top.GetProperty("firmware").ValueKind == JsonValueKind.Null ? null : top.GetProperty("firmware").GetString();
        var pins = new List<PinMapEntry>();
        foreach (JsonElement pin in top.GetProperty("pins").EnumerateArray())
        {
            JsonElement connects;
            bool hasConnects = pin.TryGetProperty("connectsTo", out connects);
            pins.Add(new PinMapEntry(
                pin.GetProperty("gpio").GetInt32(),
                pin.GetProperty("function").GetString() ?? "",
                pin.GetProperty("part").GetString() ?? "",
                !pin.TryGetProperty("firmware", out JsonElement used) || used.GetBoolean(),
                pin.TryGetProperty("wake", out JsonElement wake) && wake.GetBoolean(),
                hasConnects ? connects.GetProperty("device").GetString() : null,
                hasConnects && connects.TryGetProperty("gpio", out JsonElement target) ? target.GetInt32() : null));
        }

        return new PinMap(name, firmware, pins);
    }
}
