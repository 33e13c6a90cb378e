using Eldercare.Edge.Gateway.Health;

namespace Eldercare.Edge.Tests.Health;

/// <summary>The in-memory last-heartbeat facts: the newest wins, whatever order heartbeats are applied in.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class DeviceFactsSlotTests
{
    [TestMethod]
    public void Heartbeats_OlderAfterNewer_NewerKept()
    {
        var facts = new DeviceFacts();

        facts.Heartbeat("p-1", new DeviceFact("1.2.0", -60, 80, 2_000));
        facts.Heartbeat("p-1", new DeviceFact("1.1.0", -70, 90, 1_000));

        Assert.IsTrue(facts.TryGet("p-1", out var fact));
        Assert.AreEqual(new DeviceFact("1.2.0", -60, 80, 2_000), fact);
    }

    [TestMethod]
    public void Heartbeats_Newer_Replaces_AndAnUnchangedFirmwareKeepsItsFirstString()
    {
        var facts = new DeviceFacts();
        var first = new string("1.2.0".AsSpan());
        facts.Heartbeat("p-1", new DeviceFact(first, -60, 80, 1_000));

        facts.Heartbeat("p-1", new DeviceFact(new string("1.2.0".AsSpan()), -65, 79, 2_000));

        Assert.IsTrue(facts.TryGet("p-1", out var fact));
        Assert.AreEqual(new DeviceFact("1.2.0", -65, 79, 2_000), fact);
        Assert.AreSame(first, fact.FirmwareVersion, "the long-lived string, not the heartbeat's copy");

        facts.Heartbeat("p-1", new DeviceFact("1.3.0", null, null, 3_000));
        Assert.IsTrue(facts.TryGet("p-1", out fact));
        Assert.AreEqual(new DeviceFact("1.3.0", null, null, 3_000), fact);
    }

    [TestMethod]
    public void TryGet_UnknownDevice_False()
    {
        Assert.IsFalse(new DeviceFacts().TryGet("p-1", out var fact));
        Assert.AreEqual(default, fact);
    }
}
