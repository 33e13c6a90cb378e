using System.Globalization;
using System.Text.Json;
using Eldercare.Faults.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;

namespace Eldercare.Faults.Tests.Scenarios;

/// <summary>
/// Scenario 8: device-offline alarms under the same faults as the devices' own alarms. Pendants lose power after a
/// fleet load (their connection drops without DISCONNECT); the gateway raises one <c>device_offline</c> for each, is
/// SIGKILLed and restarted while they are dark, and raises one <c>device_online</c> for each when it boots again. At
/// the cloud: every outage once (no second alarm after the restart, no offline storm for the devices that only
/// reconnected), every clear once and naming its alarm, and every device event exactly once as in the other scenarios.
/// </summary>
[TestClass]
[TestCategory("Faults")]
public sealed class DeviceOfflineTests
{
    private const int DarkDevices = 3;

    [TestMethod]
    [Timeout(180_000, CooperativeCancellation = true)]
    public async Task FleetLoad_PowerCutsAndAGatewayKill_OneOfflineAlarmAndOneClearPerOutage_ExactlyOnce()
    {
        await using var fleet = await FleetHarness.StartAsync("8-device-offline", new FleetOptions
        {
            // Offline by lost connection (the pendants' heartbeat is an hour here): 1 s grace after the drop; a restarted
            // gateway waits 20 s for devices that simply reconnect before it judges anyone.
            GatewayArgs =
            [
                "--Gateway:DeviceHealth:HeartbeatIntervalSeconds=3600",
                "--Gateway:DeviceHealth:LostConnectionGraceSeconds=1",
                "--Gateway:DeviceHealth:StartupGraceSeconds=20",
            ],
        });
        fleet.StartDevices();
        await fleet.WaitAllConnectedAsync(TimeSpan.FromSeconds(30));
        await fleet.RunLoadAsync();

        // Power cuts right after the load (a pendant without power cannot take its share of it), while the gateway
        // still forwards the fleet's backlog.
        // An SOS hold still running when its pendant goes dark never becomes an alarm (the elder's press is cut with the
        // power), so the cut waits until every press of the load has been held long enough to raise its SOS.
        await Eventually.WaitAsync(() => fleet.Devices.All(d => !d.SosHeld), TimeSpan.FromSeconds(15), "every SOS hold of the load complete");
        var dark = Enumerable.Range(0, fleet.Devices.Count).OrderBy(_ => fleet.Random.Next()).Take(DarkDevices).ToList();
        var darkIds = dark.Select(i => fleet.Devices[i].DeviceId).ToHashSet(StringComparer.Ordinal);
        foreach (var index in dark)
        {
            fleet.Devices[index].PowerCut();
        }

        await Eventually.WaitAsync(async () => await OfflineAsync(fleet), list => list.Count >= DarkDevices, TimeSpan.FromSeconds(60), "a device_offline for each dark pendant at the cloud");
        await fleet.KillGatewayAsync();
        await fleet.StartGatewayAsync();
        foreach (var index in dark)
        {
            await fleet.Devices[index].DisposeAsync();
            var reborn = fleet.CreatePendant(index);
            fleet.Devices[index] = reborn;
            fleet.StartDevice(reborn);
        }

        await Eventually.WaitAsync(async () => await OnlineAsync(fleet), list => list.Count >= DarkDevices, TimeSpan.FromSeconds(60), "a device_online for each pendant back");
        var drain = await fleet.WaitForDrainAsync(TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(25)); // past the restarted gateway's startup grace: a storm would show now

        var offline = await OfflineAsync(fleet);
        var online = await OnlineAsync(fleet);
        var gatewayEvents = (await fleet.CloudEventsAsync()).Where(e => e.Type is EventTypes.DeviceOffline or EventTypes.DeviceOnline).ToList();
        await FleetVerifier.VerifyAsync(fleet, drain, new Dictionary<string, string>
        {
            ["darkDevices"] = string.Join(",", darkIds.Order(StringComparer.Ordinal)),
            ["offlineAlarms"] = offline.Count.ToString(CultureInfo.InvariantCulture),
            ["onlineClears"] = online.Count.ToString(CultureInfo.InvariantCulture),
            ["gatewayStarts"] = fleet.GatewayStarts.ToString(CultureInfo.InvariantCulture),
        });
        Assert.AreEqual(gatewayEvents.Count, gatewayEvents.Select(e => e.Id).Distinct(StringComparer.Ordinal).Count(), "each gateway event once at the cloud");
        CollectionAssert.AreEquivalent(darkIds.ToList(), offline.Select(Subject).ToList(), "one offline alarm per dark pendant, none for the pendants that only reconnected after the kill");
        CollectionAssert.AreEquivalent(darkIds.ToList(), online.Select(Subject).ToList(), "one clear per pendant back");
        foreach (var clear in online)
        {
            var alarm = offline.Single(o => Subject(o) == Subject(clear));
            Assert.AreEqual((alarm.Boot, alarm.Seq), (clear.Boot, clear.Payload.GetProperty("ref").GetInt32()), $"{clear.Id} clears {alarm.Id} (same boot, ref = its seq)");
        }
    }

    private static string Subject(CloudEvent e) => e.Payload.GetProperty("subj").GetString()!;

    private static async Task<List<CloudEvent>> OfflineAsync(FleetHarness fleet) =>
        (await fleet.CloudEventsAsync()).Where(e => e.Type == EventTypes.DeviceOffline).ToList();

    private static async Task<List<CloudEvent>> OnlineAsync(FleetHarness fleet) =>
        (await fleet.CloudEventsAsync()).Where(e => e.Type == EventTypes.DeviceOnline).ToList();
}
