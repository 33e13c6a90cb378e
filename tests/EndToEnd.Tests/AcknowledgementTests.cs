using System.Diagnostics;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.TestSupport;
using Eldercare.VirtualDevice;

namespace Eldercare.EndToEnd.Tests;

/// <summary>
/// "Help is coming" end to end with real gateway and cloud stub processes: an operator acknowledges an SOS at the
/// platform, the gateway reads it with its long poll and queues an ack downlink, the pendant shows HelpComing. Also
/// when the gateway was down while the operator acknowledged, and when the acknowledgement comes twice.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class AcknowledgementTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task OperatorAcknowledgesSos_PendantShowsHelpComing_WithinASecond_TwiceIsHarmless()
    {
        await using var system = new SystemUnderTest();
        await system.StartCloudAsync();
        VirtualPendant pendant = (await system.StartPendantsAsync(1))[0];
        await system.StartGatewayAsync();
        await system.ConnectAllAsync();

        string id = await RaiseSosAtCloudAsync(system, pendant);
        var helpComing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pendant.Indicator.Shown += pattern => { if (pattern == IndicatorPattern.HelpComing) { helpComing.TrySetResult(); } };
        var stopwatch = Stopwatch.StartNew();
        Assert.AreEqual(201, await system.AcknowledgeAtCloudAsync(id));
        await helpComing.Task.WaitAsync(TimeSpan.FromSeconds(10));
        long roundTripMs = stopwatch.ElapsedMilliseconds;
        TestContext.WriteLine($"acknowledgement to HelpComing: {roundTripMs} ms");

        Assert.AreEqual(200, await system.AcknowledgeAtCloudAsync(id), "the second acknowledgement is a duplicate");
        Assert.AreEqual(404, await system.AcknowledgeAtCloudAsync(pendant.DeviceId + ":999:1"), "unknown id");
        Assert.IsLessThan(5_000, roundTripMs, "well under the 1 s target on an idle machine; 5 s leaves room for a loaded CI host");
        Assert.AreEqual(1, pendant.Indicator.History.Count(p => p == IndicatorPattern.HelpComing), "one acknowledgement, one HelpComing");
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task AcknowledgedWhileTheGatewayIsDown_ReachesThePendantAfterTheGatewayReturns()
    {
        await using var system = new SystemUnderTest();
        await system.StartCloudAsync();
        VirtualPendant pendant = (await system.StartPendantsAsync(1))[0];
        await system.StartGatewayAsync();
        await system.ConnectAllAsync();
        string id = await RaiseSosAtCloudAsync(system, pendant);

        await system.Gateway!.KillAsync();
        await Eventually.WaitAsync(() => !pendant.IsConnected, TimeSpan.FromSeconds(10), "the pendant sees the gateway gone");
        Assert.AreEqual(201, await system.AcknowledgeAtCloudAsync(id));
        await system.StartGatewayAsync();

        await Eventually.WaitAsync(() => pendant.Indicator.History.Contains(IndicatorPattern.HelpComing), TimeSpan.FromSeconds(30), "HelpComing after the gateway returned");
    }

    private static async Task<string> RaiseSosAtCloudAsync(SystemUnderTest system, VirtualPendant pendant)
    {
        pendant.PressSos();
        var stored = await Eventually.WaitAsync(async () => await system.CloudEventsAsync(pendant.DeviceId, EventTypes.Sos), list => list.Count == 1, TimeSpan.FromSeconds(20), "the SOS at the cloud");
        return stored[0].Id;
    }
}
