using System.Diagnostics;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using Eldercare.VirtualDevice;

namespace Eldercare.EndToEnd.Tests;

/// <summary>
/// Issue 2's end-to-end proofs, with real processes: pendant -> gateway (embedded broker)
/// -> cloud stub, exactly once, across a gateway SIGKILL and a 30 s cloud outage.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class VerticalSliceTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [Timeout(240_000, CooperativeCancellation = true)]
    public async Task RunSh_Smoke_ExitsZeroWithEveryFlowPassing()
    {
        string script = Path.Combine(RepoPaths.Root, "run.sh");
        var process = ManagedProcess.Start("bash", [script, "--smoke", "--no-build", "--devices", "6"], workingDirectory: RepoPaths.Root, name: "run.sh");
        await using (process)
        {
            int exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(230));

            string output = process.Output;
            TestContext.WriteLine(output);
            Assert.AreEqual(0, exitCode, output);
            foreach (string flow in new[] { "sos", "fall", "kiosk", "geofence", "wellness", "offline", "ack" })
            {
                StringAssert.Contains(output, $"smoke: {flow} PASS (", output);
            }

            Assert.DoesNotContain("FAIL", output, output);
            StringAssert.Contains(output, "smoke: 7 of 7 flows passed");
            StringAssert.Contains(output, "[cloud] ALARM sos pendant-0001:");
            StringAssert.Contains(output, "[cloud] ACK sos pendant-0003:");
            StringAssert.Contains(output, "[cloud] ALARM device_offline gw-01:");
        }
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task Gateway_KilledRightAfterPubAck_EventDeliveredExactlyOnceAfterRestart()
    {
        await using var system = new SystemUnderTest();
        await system.StartCloudAsync();
        await system.SetCloudFaultAsync("fail"); // the gateway stores but cannot forward yet
        VirtualPendant pendant = (await system.StartPendantsAsync(1))[0];
        await system.StartGatewayAsync();
        await system.ConnectAllAsync();

        int sequence = pendant.Raise(EventTypes.Sos);
        string id = DeviceEvent.MakeId(pendant.DeviceId, pendant.BootEpoch, sequence);
        await Eventually.WaitAsync(() => system.IsAcknowledged(id), TimeSpan.FromSeconds(10), "PUBACK of the SOS");
        await system.Gateway!.KillAsync(); // SIGKILL: no shutdown hook, no flush

        await system.SetCloudFaultAsync("none");
        await system.StartGatewayAsync();

        await Eventually.WaitAsync(async () => (await system.CloudEventsAsync(pendant.DeviceId, EventTypes.Sos)).Count, n => n >= 1, TimeSpan.FromSeconds(20), "the SOS at the cloud");
        await WaitForGatewayIdleAsync(system);
        List<CloudEvent> stored = await system.CloudEventsAsync(pendant.DeviceId, EventTypes.Sos);
        Assert.AreEqual(1, stored.Count);
        Assert.AreEqual(id, stored[0].Id);
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task Gateway_KilledWhileForwarding_ResentEventsStoredOnceAtTheCloud()
    {
        await using var system = new SystemUnderTest();
        await system.StartCloudAsync();
        var pendants = await system.StartPendantsAsync(4);
        await system.StartGatewayAsync();
        await system.ConnectAllAsync();

        // Stall the cloud so a batch is in flight (received, maybe stored) when the gateway dies.
        await SetStallAsync(system, 3_000);
        var ids = new List<string>();
        foreach (VirtualPendant p in pendants)
        {
            for (int i = 0; i < 5; i++)
            {
                ids.Add(DeviceEvent.MakeId(p.DeviceId, p.BootEpoch, p.Raise(i == 0 ? EventTypes.Sos : EventTypes.Heartbeat)));
            }
        }

        await Eventually.WaitAsync(() => ids.All(system.IsAcknowledged), TimeSpan.FromSeconds(20), "PUBACKs");
        await Task.Delay(500, TestContext.CancellationToken); // let the stalled POST reach the stub (the fault under test, not synchronisation)
        await system.Gateway!.KillAsync();
        await system.SetCloudFaultAsync("none");
        await system.StartGatewayAsync();

        await Eventually.WaitAsync(async () => (await system.CloudEventsAsync()).Select(e => e.Id).Intersect(ids).Count(), n => n == ids.Count, TimeSpan.FromSeconds(30), "every event at the cloud");
        await WaitForGatewayIdleAsync(system);
        List<CloudEvent> all = await system.CloudEventsAsync();
        Assert.AreEqual(all.Count, all.Select(e => e.Id).Distinct().Count(), "no duplicates at the cloud");
    }

    [TestMethod]
    [Timeout(180_000, CooperativeCancellation = true)]
    public async Task CloudStub_Down30Seconds_EverythingDeliveredOnceAlarmsBeforeHeartbeats()
    {
        await using var system = new SystemUnderTest();
        await system.StartCloudAsync();
        var pendants = await system.StartPendantsAsync(5, heartbeatSeconds: 1);
        await system.StartGatewayAsync();
        await system.ConnectAllAsync();
        await Eventually.WaitAsync(async () => (await system.CloudEventsAsync(type: EventTypes.Heartbeat)).Count, n => n >= 5, TimeSpan.FromSeconds(20), "first heartbeats at the cloud");

        await system.Cloud!.KillAsync();
        long outageStart = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var stopwatch = Stopwatch.StartNew();
        pendants[1].PressSos();
        await Task.Delay(TimeSpan.FromSeconds(10), TestContext.CancellationToken); // the outage itself: 30 s of real time is the scenario
        pendants[3].PressSos();
        pendants[4].Raise(EventTypes.Sos);
        await Task.Delay(TimeSpan.FromSeconds(30) - stopwatch.Elapsed, TestContext.CancellationToken);
        long outageEnd = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Dictionary<string, string> acknowledged = system.AcknowledgedSnapshot();
        await system.StartCloudAsync();

        List<CloudEvent> stored = await Eventually.WaitAsync(
            () => system.CloudEventsAsync(),
            events => acknowledged.Keys.All(events.Select(e => e.Id).ToHashSet().Contains),
            TimeSpan.FromSeconds(30),
            "every event acknowledged during the outage at the cloud");
        await WaitForGatewayIdleAsync(system);
        stored = await system.CloudEventsAsync();

        Assert.AreEqual(stored.Count, stored.Select(e => e.Id).Distinct().Count(), "no duplicates at the cloud");
        List<CloudEvent> backlog = stored.Where(e => e.Rx >= outageStart && e.Rx < outageEnd).ToList();
        List<CloudEvent> alarms = backlog.Where(e => e.Lane == EventTypes.AlarmLane).ToList();
        List<CloudEvent> heartbeats = backlog.Where(e => e.Lane == EventTypes.TelemetryLane).ToList();
        Assert.AreEqual(3, alarms.Count(e => e.Type == EventTypes.Sos), "three SOS raised during the outage");
        Assert.IsTrue(heartbeats.Count >= 100, $"{heartbeats.Count} heartbeats buffered during the outage");
        Assert.IsTrue(alarms.Max(e => e.CloudRx) <= heartbeats.Min(e => e.CloudRx), "alarms reach the cloud before the buffered heartbeats");
        foreach (var device in stored.GroupBy(e => e.Dev))
        {
            foreach (var lane in device.GroupBy(e => e.Lane))
            {
                var ordered = lane.OrderBy(e => e.CloudRx).ThenBy(e => e.Seq).Select(e => (e.Boot, e.Seq)).ToList();
                CollectionAssert.AreEqual(ordered.OrderBy(x => x.Boot).ThenBy(x => x.Seq).ToList(), ordered, $"order of {device.Key} in {lane.Key}");
            }
        }

        TestContext.WriteLine($"outage backlog: {alarms.Count} alarms, {heartbeats.Count} heartbeats; drained {stored.Max(e => e.CloudRx) - outageEnd} ms after the stub came back");
    }

    private static async Task SetStallAsync(SystemUnderTest system, int stallMs)
    {
        using var http = new HttpClient();
        using var body = new StringContent($"{{\"mode\":\"stall\",\"stallMs\":{stallMs}}}", System.Text.Encoding.UTF8, "application/json");
        (await http.PostAsync($"{system.CloudUrl}/admin/fault", body)).EnsureSuccessStatusCode();
    }

    private static async Task WaitForGatewayIdleAsync(SystemUnderTest system)
    {
        using var http = new HttpClient();
        await Eventually.WaitAsync(
            async () => await http.GetStringAsync($"http://127.0.0.1:{system.HttpPort}/health"),
            body => body.Contains("\"pending\":0", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            "gateway with nothing left to forward");
    }
}
