using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Tests.Fakes;

public sealed class FakeButton : IButton
{
    public bool IsPressed { get; set; }
}

public sealed class FakeIndicator : IIndicator
{
    public List<IndicatorPattern> Shown { get; } = [];

    public IndicatorPattern Last => Shown.Count == 0 ? IndicatorPattern.Idle : Shown[^1];

    public void Show(IndicatorPattern pattern) => Shown.Add(pattern);
}

public sealed class FakeBattery : IBattery
{
    public int Percent { get; set; } = 87;

    public bool Charging { get; set; }

    public int ReadPercent() => Percent;

    public bool ReadCharging() => Charging;
}

public sealed class FakeRadio : IRadio
{
    public int SignalDbm { get; set; } = -61;

    public int ReadSignalDbm() => SignalDbm;
}

public sealed class FakeCardReader : ICardReader
{
    /// <summary>The UID of the card in the field, or null; <see cref="Length"/> overrides its length (a bad read).</summary>
    public byte[]? Card { get; set; }

    public int? Length { get; set; }

    public int ReadUid(byte[] buffer)
    {
        if (Card is null)
        {
            return Length ?? 0;
        }

        Card.CopyTo(buffer, 0);
        return Length ?? Card.Length;
    }
}

public sealed class FakeKioskDisplay : IKioskDisplay
{
    public List<string> Lines { get; } = [];

    public void ShowSession(bool open, string maskedCard) => Lines.Add(open ? $"session {maskedCard}" : "session closed");

    public void ShowRequest(string service, Eldercare.Firmware.Core.Kiosk.RequestState state) => Lines.Add($"{service} {state}");

    public void ShowAlreadyRequested(string service) => Lines.Add($"{service} already");
}
