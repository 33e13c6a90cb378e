using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.VirtualDevice.Adapters;

/// <summary>A card reader a script or the console taps a card on: the card lies in the field until a given uptime.</summary>
public sealed class ScriptedCardReader(IClock clock) : ICardReader
{
    private readonly object _lock = new();
    private byte[]? _card;
    private long _removeAt;

    /// <summary>Lays the card on the reader for <paramref name="milliseconds"/>.</summary>
    public void Tap(byte[] uid, int milliseconds = 500)
    {
        lock (_lock)
        {
            _card = uid;
            _removeAt = clock.UptimeMilliseconds + milliseconds;
        }
    }

    public int ReadUid(byte[] buffer)
    {
        lock (_lock)
        {
            if (_card is null || clock.UptimeMilliseconds >= _removeAt)
            {
                return 0;
            }

            _card.CopyTo(buffer, 0);
            return _card.Length;
        }
    }
}
