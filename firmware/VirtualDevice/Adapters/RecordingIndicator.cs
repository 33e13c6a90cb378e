using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.VirtualDevice.Adapters;

/// <summary>The LED/vibration of the twin: remembers what it showed and tells whoever listens.</summary>
public sealed class RecordingIndicator : IIndicator
{
    private readonly object _lock = new();
    private readonly List<IndicatorPattern> _shown = [];

    public event Action<IndicatorPattern>? Shown;

    public IReadOnlyList<IndicatorPattern> History
    {
        get
        {
            lock (_lock)
            {
                return _shown.ToArray();
            }
        }
    }

    public void Show(IndicatorPattern pattern)
    {
        lock (_lock)
        {
            _shown.Add(pattern);
        }

        Shown?.Invoke(pattern);
    }
}
