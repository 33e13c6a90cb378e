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

    public int ReadPercent() => Percent;
}
