using Eldercare.Firmware.Core.Events;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// Which event types the desk books, and their priority (1 is answered first; the page orders by priority then age and
/// plays the sound of the priority, Assets/console.js "SOUNDS"). Defaults follow the issue: SOS and fall, then geofence,
/// wellness, device offline; <c>Gateway:Console:Priorities:&lt;type&gt;=N</c> changes one.
/// </summary>
public sealed class AlarmPriorities
{
    public static readonly IReadOnlyDictionary<string, int> Defaults = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        [EventTypes.Sos] = 1,
        [EventTypes.Fall] = 1,
        [EventTypes.Geofence] = 2,
        [EventTypes.Wellness] = 3,
        [EventTypes.DeviceOffline] = 4,
    };

    /// <summary>Service requests are their own list; one priority for all of them.</summary>
    public const int ServicePriority = 9;

    private readonly Dictionary<string, int> _byType;

    public AlarmPriorities(IReadOnlyDictionary<string, int>? overrides)
    {
        _byType = new Dictionary<string, int>(Defaults, StringComparer.Ordinal);
        foreach (var (type, priority) in overrides ?? new Dictionary<string, int>())
        {
            _byType[type] = priority;
        }
    }

    /// <summary>Problems with a configured table (an unknown type, a priority out of 1..5).</summary>
    public static IEnumerable<string> Validate(IReadOnlyDictionary<string, int>? overrides)
    {
        foreach (var (type, priority) in overrides ?? new Dictionary<string, int>())
        {
            if (!Defaults.ContainsKey(type))
            {
                yield return $"Gateway:Console:Priorities:{type}: not an alarm type the desk books ({string.Join(", ", Defaults.Keys)})";
            }
            else if (priority is < 1 or > 5)
            {
                yield return $"Gateway:Console:Priorities:{type} must be 1..5, got {priority}";
            }
        }
    }

    /// <summary>The priority of an alarm type, false for a type the desk does not book as an alarm.</summary>
    public bool TryGet(string type, out int priority) => _byType.TryGetValue(type, out priority);
}
