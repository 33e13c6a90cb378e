using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Kiosk;

namespace Eldercare.VirtualDevice.Adapters;

/// <summary>The kiosk twin's display: remembers each line it showed and tells whoever listens (the console, tests).</summary>
public sealed class RecordingKioskDisplay : IKioskDisplay
{
    private readonly object _lock = new();
    private readonly List<string> _lines = [];

    public event Action<string>? Shown;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return _lines.ToArray();
            }
        }
    }

    public void ShowSession(bool open, string maskedCard) => Add(open ? $"session open card {maskedCard}" : "session closed");

    public void ShowRequest(string service, RequestState state) => Add($"{service} {state}");

    public void ShowAlreadyRequested(string service) => Add($"{service} already requested");

    private void Add(string line)
    {
        lock (_lock)
        {
            _lines.Add(line);
        }

        Shown?.Invoke(line);
    }
}
