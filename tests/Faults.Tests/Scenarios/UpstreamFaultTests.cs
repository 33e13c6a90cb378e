using System.Globalization;
using Eldercare.Faults.Tests.Support;

namespace Eldercare.Faults.Tests.Scenarios;

/// <summary>
/// Scenario 3: while the fleet runs, the upstream answers 500, stalls longer than the gateway's request timeout,
/// refuses connections (stub process killed) and takes batches only in part. Retries never create duplicates
/// at the cloud, and alarms acknowledged during a fault overtake telemetry that was queued before them.
/// </summary>
[TestClass]
[TestCategory("Faults")]
public sealed class UpstreamFaultTests
{
    [TestMethod]
    [Timeout(180_000, CooperativeCancellation = true)]
    public async Task FleetLoad_Upstream500StallRefusedPartial_NoDuplicatesAndAlarmsOvertakeTelemetry()
    {
        await using var fleet = await FleetHarness.StartAsync("3-upstream-faults", new FleetOptions
        {
            // A stall of 2.5 s against a 1 s request timeout: the gateway times out and retries while the stub still holds the request.
            GatewayArgs = ["--Gateway:Forwarder:RequestTimeoutMilliseconds=1000"],
        });
        fleet.StartDevices();
        await fleet.WaitAllConnectedAsync(TimeSpan.FromSeconds(30));
        var total = fleet.TotalRaiseTarget;
        var load = fleet.RunLoadAsync();
        var windows = new List<(long From, long To)>();
        var phases = new List<string>();

        async Task FaultAsync(string name, int atPercent, Func<Task> begin, Func<Task> end, int holdMilliseconds)
        {
            await fleet.WaitForAcknowledgedAsync(total * atPercent / 100, TimeSpan.FromSeconds(90));
            var from = fleet.ElapsedMilliseconds;
            await begin();
            var pendingAtStart = (await fleet.GatewayHealthAsync()).Pending;
            // The fault lasts a while of wall time on purpose: that is the fault, not a synchronisation.
            await Task.Delay(holdMilliseconds);
            var pendingAtEnd = (await fleet.GatewayHealthAsync()).Pending;
            await end();
            windows.Add((from, fleet.ElapsedMilliseconds));
            phases.Add($"{name}: pending {pendingAtStart} -> {pendingAtEnd}");
        }

        await FaultAsync("http-500", 10, () => fleet.SetCloudFaultAsync("fail"), () => fleet.SetCloudFaultAsync("none"), 1500);
        await FaultAsync("stall-2500ms", 30, () => fleet.SetCloudFaultAsync("stall", 2500), () => fleet.SetCloudFaultAsync("none"), 4000);
        await FaultAsync("connection-refused", 50, fleet.StopCloudAsync, fleet.StartCloudAsync, 2000);
        await FaultAsync("partial", 70, () => fleet.SetCloudFaultAsync("partial"), () => fleet.SetCloudFaultAsync("none"), 2000);
        await load;
        var drain = await fleet.WaitForDrainAsync(TimeSpan.FromSeconds(90));

        var cloud = await fleet.CloudEventsAsync();
        var overtaking = CountOvertakingAlarms(fleet, cloud, windows);
        var figures = await FleetVerifier.VerifyAsync(fleet, drain, new Dictionary<string, string>
        {
            ["faults"] = string.Join("; ", phases),
            ["alarmsOvertakingQueuedTelemetry"] = overtaking.ToString(CultureInfo.InvariantCulture),
            ["forwardFailureLines"] = fleet.GatewayLines.Count(l => l.Contains("forward failed", StringComparison.Ordinal)).ToString(CultureInfo.InvariantCulture),
        });
        Assert.IsGreaterThanOrEqualTo(10_000, figures.Acknowledged);
        Assert.IsGreaterThan(0, overtaking, "an alarm acknowledged during a fault reaches the cloud before telemetry queued earlier");
    }

    /// <summary>
    /// Alarms acknowledged inside a fault window that reached the cloud before some telemetry acknowledged
    /// earlier (by any device): the alarm lane overtook the queue.
    /// </summary>
    private static int CountOvertakingAlarms(FleetHarness fleet, IReadOnlyList<CloudEvent> cloud, List<(long From, long To)> windows)
    {
        var arrival = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < cloud.Count; i++)
        {
            arrival[cloud[i].Id] = i;
        }

        var latestTelemetryArrival = -1;
        var overtaking = 0;
        foreach (var acked in fleet.Acknowledged.Values.Where(a => arrival.ContainsKey(a.Id)).OrderBy(a => a.AckedAtMilliseconds))
        {
            var index = arrival[acked.Id];
            if (!acked.IsAlarm)
            {
                latestTelemetryArrival = Math.Max(latestTelemetryArrival, index);
            }
            else if (index < latestTelemetryArrival && windows.Any(w => acked.AckedAtMilliseconds >= w.From && acked.AckedAtMilliseconds <= w.To))
            {
                overtaking++;
            }
        }

        return overtaking;
    }
}
