using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Power;
using Eldercare.TestSupport;
using Eldercare.VirtualDevice;
using Eldercare.VirtualDevice.Adapters;

namespace Eldercare.EndToEnd.Tests;

/// <summary>
/// What the radio schedule costs an alarm (issue 15, "Power"), measured on the twin against real gateway and cloud stub
/// processes: a pendant whose radio is off between sends (Core/Power/RadioSchedule) and pays the modelled wake,
/// association, DHCP and MQTT connect (RadioTimings, 1250 ms) for each SOS, beside one that keeps its link up. Latency =
/// the gateway's receive time (<c>rx</c>) minus the device's raise time (<c>ts</c>, the long press recognised), one host
/// clock. Each round ends with the operator's acknowledgement reaching the pendant ("help is coming", over the session
/// the alarm holds up) and its radio going off again.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class RadioScheduleLatencyTests
{
    private const int Rounds = 4;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [Timeout(240_000, CooperativeCancellation = true)]
    public async Task SosWithTheRadioOff_ReachesTheGatewayAfterTheModelledWake_AndHelpComingStillArrives()
    {
        // Arrange
        await using var system = new SystemUnderTest();
        await system.StartCloudAsync();
        IReadOnlyList<VirtualPendant> pendants = await system.StartPendantsAsync(2, RadioScheduleOptions.DefaultHeartbeatSeconds,
            (i, o) => i == 0 ? o with { Radio = RadioDelays.Default } : o);
        await system.StartGatewayAsync();
        VirtualPendant scheduled = pendants[0];
        VirtualPendant alwaysOn = pendants[1];
        scheduled.Start();
        alwaysOn.Start();
        await Eventually.WaitAsync(() => scheduled.Link.ConnectCount >= 1 && !scheduled.Link.RadioOn && alwaysOn.IsConnected, TimeSpan.FromSeconds(30),
            "the boot session done and the radio off again; the other pendant connected");
        var latencies = (Scheduled: new List<long>(), AlwaysOn: new List<long>());

        // Act
        for (int round = 0; round < Rounds; round++)
        {
            Assert.IsFalse(scheduled.Link.RadioOn, "the radio is off before the press");
            Task<long> a = SosRoundAsync(system, scheduled);
            Task<long> b = SosRoundAsync(system, alwaysOn);
            latencies.Scheduled.Add(await a);
            latencies.AlwaysOn.Add(await b);
            await Eventually.WaitAsync(() => !scheduled.Link.RadioOn, TimeSpan.FromSeconds(10), "the radio off once help is coming");
        }

        // Assert
        latencies.Scheduled.Sort();
        latencies.AlwaysOn.Sort();
        int modelled = RadioDelays.Default.TotalMilliseconds;
        string figures = $"radio schedule: SOS raise -> stored at the gateway, radio off between sends (modelled {modelled} ms) " +
            $"median {latencies.Scheduled[Rounds / 2]} ms max {latencies.Scheduled[^1]} ms [{string.Join(", ", latencies.Scheduled)}]; " +
            $"link always up median {latencies.AlwaysOn[Rounds / 2]} ms max {latencies.AlwaysOn[^1]} ms [{string.Join(", ", latencies.AlwaysOn)}]";
        TestContext.WriteLine(figures);
        Console.WriteLine(figures);
        Assert.IsGreaterThanOrEqualTo((long)modelled, latencies.Scheduled[0], "the modelled wake and connect are paid on every alarm");
        Assert.IsLessThanOrEqualTo(modelled + 2_000L, latencies.Scheduled[^1], "wake + connect, then the publish at once (2 s slack for a loaded host)");
        Assert.IsLessThan(1_000L, latencies.AlwaysOn[Rounds / 2], "the baseline sends at once");
        Assert.AreEqual(Rounds, scheduled.RadioSchedule!.AlarmWakes);
        Assert.AreEqual(0, (await system.CloudEventsAsync(type: EventTypes.DeviceOffline)).Count, "a clean DISCONNECT between sends: no last will, no offline alarm");
    }

    /// <returns>rx - ts of the SOS, ms</returns>
    private static async Task<long> SosRoundAsync(SystemUnderTest system, VirtualPendant pendant)
    {
        int before = (await system.CloudEventsAsync(pendant.DeviceId, EventTypes.Sos)).Count;
        int shown = pendant.Indicator.History.Count(p => p == IndicatorPattern.HelpComing);
        pendant.PressSos();
        var stored = await Eventually.WaitAsync(async () => await system.CloudEventsAsync(pendant.DeviceId, EventTypes.Sos), list => list.Count == before + 1,
            TimeSpan.FromSeconds(30), pendant.DeviceId + ": the SOS at the cloud");
        CloudEvent sos = stored.OrderBy(e => e.Seq).Last();
        Assert.AreEqual(201, await system.AcknowledgeAtCloudAsync(sos.Id, "center"));
        await Eventually.WaitAsync(() => pendant.Indicator.History.Count(p => p == IndicatorPattern.HelpComing) > shown, TimeSpan.FromSeconds(30),
            pendant.DeviceId + ": HelpComing");
        return sos.Rx - sos.Ts;
    }
}
