namespace Eldercare.CloudStub;

/// <summary>The fault a test asked for (<c>POST /admin/fault</c>); read on every batch.</summary>
public sealed class FaultSwitch
{
    private volatile Setting _setting = new(FaultMode.None, 0);

    public Setting Current => _setting;

    public void Set(FaultMode mode, int stallMilliseconds) => _setting = new Setting(mode, Math.Max(0, stallMilliseconds));

    public sealed record Setting(FaultMode Mode, int StallMilliseconds);
}
