namespace Eldercare.VirtualDevice.Smoke;

/// <summary>
/// Which device plays which part: the first five pendants (by id) SOS, fall, acknowledgement, wellness and offline,
/// the first watch the geofence, the first kiosk the kiosk flow. A part nobody can play is named in <see cref="Missing"/>.
/// </summary>
public sealed class SmokeCast
{
    private readonly string[] _pendants;

    public SmokeCast(IEnumerable<DeviceCredentials> devices)
    {
        string[] ids = devices.Select(d => d.DeviceId).Order(StringComparer.Ordinal).ToArray();
        Kiosk = ids.FirstOrDefault(id => id.StartsWith(Community.KioskPrefix, StringComparison.Ordinal));
        Watch = ids.FirstOrDefault(Community.IsWatch);
        _pendants = ids.Where(id => !id.StartsWith(Community.KioskPrefix, StringComparison.Ordinal) && !Community.IsWatch(id)).ToArray();
    }

    public string? Sos => Pendant(0);

    public string? Fall => Pendant(1);

    public string? Ack => Pendant(2);

    public string? Wellness => Pendant(3);

    public string? Offline => Pendant(4);

    public string? Watch { get; }

    public string? Kiosk { get; }

    public static string Missing(string part) =>
        $"no device for it: the smoke needs 5 pendants, a watch (id starting '{Community.WatchPrefix}') and a kiosk (id starting '{Community.KioskPrefix}'); {part} missing";

    private string? Pendant(int index) => index < _pendants.Length ? _pendants[index] : null;
}
