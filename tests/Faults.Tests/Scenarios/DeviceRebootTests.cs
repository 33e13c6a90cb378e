using System.Globalization;
using Eldercare.Faults.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;

namespace Eldercare.Faults.Tests.Scenarios;

/// <summary>
/// Scenario 5: devices lose power with events still in their outbox and boot again over the same flash: the
/// unsent events go out after the reboot with their original ids (old boot epoch). A device that cannot reach
/// the gateway fills its outbox: telemetry is dropped (oldest first, counted), alarms never.
/// </summary>
[TestClass]
[TestCategory("Faults")]
public sealed class DeviceRebootTests
{
    private const int RebootedDevices = 20;

    [TestMethod]
    [Timeout(180_000, CooperativeCancellation = true)]
    public async Task FleetLoad_PowerCutWithOutboxThenReboot_UnsentEventsDeliveredWithOriginalIds()
    {
        await using var fleet = await FleetHarness.StartAsync("5-device-reboot", new FleetOptions());
        fleet.StartDevices();
        await fleet.WaitAllConnectedAsync(TimeSpan.FromSeconds(30));
        await fleet.RunLoadAsync();
        // The SOS holds (3 s) end before the power cuts, so every press became an event.
        await Eventually.WaitAsync(() => fleet.PressedSosAcknowledged() >= fleet.SosPresses, TimeSpan.FromSeconds(30), "SOS presses acknowledged");

        // Power cut right after a burst: the outbox holds most of it (one publish in flight at a time).
        var unsent = new List<SentEvent>();
        var loadedAtBoot = 0;
        foreach (var index in Enumerable.Range(0, fleet.Devices.Count).OrderBy(_ => fleet.Random.Next()).Take(RebootedDevices).ToList())
        {
            var old = fleet.Devices[index];
            var oldBoot = old.BootEpoch;
            var burst = Enumerable.Range(0, 12).Select(k => fleet.Raise(old, k % 4 == 0 ? EventTypes.Fall : EventTypes.Heartbeat)).OfType<SentEvent>().ToList();
            old.PowerCut();
            await old.DisposeAsync();
            unsent.AddRange(burst.Where(e => !fleet.Acknowledged.ContainsKey(e.Id)));
            var reborn = fleet.CreatePendant(index);
            fleet.Devices[index] = reborn;
            fleet.StartDevice(reborn);
            loadedAtBoot += reborn.Outbox.Count;
            Assert.IsGreaterThan(oldBoot, reborn.BootEpoch, "a boot bumps the epoch");
        }

        // Full outbox: pendant-0101 boots with no gateway reachable and raises 300 events (20 alarms).
        var deadPort = FreePort.Next();
        var offline = fleet.CreatePendant(100, deadPort);
        fleet.StartDevice(offline);
        var raisedOffline = Enumerable.Range(0, 300).Select(k => fleet.Raise(offline, k % 15 == 0 ? EventTypes.Sos : EventTypes.Heartbeat)).OfType<SentEvent>().ToList();
        var droppedTelemetry = offline.Outbox.DroppedTelemetryCount;
        var refusedAlarms = offline.Outbox.RefusedAlarmCount;
        var alarmsKept = offline.Outbox.AlarmCount;
        var keptInOutbox = offline.Outbox.Count;
        offline.PowerCut();
        await offline.DisposeAsync();
        var online = fleet.CreatePendant(100);
        fleet.Devices.Add(online);
        fleet.StartDevice(online);
        Console.WriteLine($"online outbox at boot {online.Outbox.Count}, boot {online.BootEpoch}");
        online.ConnectFailed += reason => Console.WriteLine("pendant-0101 connect failed: " + reason);

        var drain = await fleet.WaitForDrainAsync(TimeSpan.FromSeconds(60));
        var cloud = await fleet.CloudEventsAsync();
        var offlineDevice = FleetHarness.DeviceId(101);
        var offlineAtCloud = cloud.Where(e => e.Dev == offlineDevice && e.Boot == raisedOffline[0].Boot).ToList();
        var telemetryRaised = raisedOffline.Where(e => !e.IsAlarm).Select(e => e.Seq).ToList();
        var telemetryAtCloud = offlineAtCloud.Where(e => e.Lane == EventTypes.TelemetryLane && e.Type == EventTypes.Heartbeat).Select(e => e.Seq).Order().ToList();
        var figures = await FleetVerifier.VerifyAsync(fleet, drain, new Dictionary<string, string>
        {
            ["rebootedDevices"] = RebootedDevices.ToString(CultureInfo.InvariantCulture),
            ["unsentAtPowerCut"] = unsent.Count.ToString(CultureInfo.InvariantCulture),
            ["outboxLoadedAtBoot"] = loadedAtBoot.ToString(CultureInfo.InvariantCulture),
            ["fullOutboxRaised"] = raisedOffline.Count.ToString(CultureInfo.InvariantCulture),
            ["fullOutboxKept"] = keptInOutbox.ToString(CultureInfo.InvariantCulture),
            ["fullOutboxDroppedTelemetry"] = droppedTelemetry.ToString(CultureInfo.InvariantCulture),
            ["fullOutboxRefusedAlarms"] = refusedAlarms.ToString(CultureInfo.InvariantCulture),
            ["fullOutboxAlarmsAtCloud"] = offlineAtCloud.Count(e => e.Lane == EventTypes.AlarmLane).ToString(CultureInfo.InvariantCulture),
        });

        Assert.IsGreaterThan(0, unsent.Count, "the power cuts left unsent events");
        foreach (var e in unsent)
        {
            Assert.IsTrue(fleet.Acknowledged.ContainsKey(e.Id), $"{e.Id} unsent at the power cut, delivered after the reboot with its original id");
        }

        Assert.AreEqual(0, refusedAlarms);
        Assert.IsGreaterThan(0, droppedTelemetry, "the full outbox dropped telemetry");
        Assert.AreEqual(20, alarmsKept, "every alarm kept in the full outbox");
        Assert.AreEqual(20, offlineAtCloud.Count(e => e.Lane == EventTypes.AlarmLane), "every alarm of the full outbox at the cloud");
        CollectionAssert.AreEqual(telemetryRaised.TakeLast(telemetryAtCloud.Count).ToList(), telemetryAtCloud, "the newest telemetry kept: dropped oldest first");
        Assert.IsGreaterThanOrEqualTo(10_000, figures.Acknowledged);
    }
}
