using System.Text;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.Integration;

/// <summary>
/// Device offline through the real stack over TCP: the embedded broker, the store, the forwarder and the cloud stub.
/// Graces shortened (start-up 0 s, lost connection 1 s); the test waits on the cloud stub's contents, never a sleep.
/// </summary>
[TestClass]
[TestCategory("Integration")]
public sealed class DeviceOfflineTests
{
    private const string Device = "pendant-0101";
    private const string GatewayId = "gw-offline";

    [TestMethod]
    public async Task ConnectionDroppedWithoutDisconnect_OfflineAtTheCloudOnce_ThenOnlineWhenItReturns()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync([Device],
            "--Gateway:DeviceHealth:StartupGraceSeconds=0", "--Gateway:DeviceHealth:LostConnectionGraceSeconds=1",
            $"--Gateway:Forwarder:GatewayId={GatewayId}");

        await using (var device = await RawMqttDevice.ConnectAsync(stack.MqttPort, Device))
        {
            await PublishAsync(device, 1, EventTypes.Heartbeat);
        }

        // The socket closed without DISCONNECT: the last will's case.
        var offline = await WaitForGatewayEventsAsync(stack, EventTypes.DeviceOffline, 1);
        Assert.AreEqual(EventTypes.AlarmLane, offline[0].Lane);

        await using (var device = await RawMqttDevice.ConnectAsync(stack.MqttPort, Device))
        {
            await PublishAsync(device, 2, EventTypes.Heartbeat);
            var online = await WaitForGatewayEventsAsync(stack, EventTypes.DeviceOnline, 1);
            Assert.AreEqual(offline[0].Boot, online[0].Boot);
        }

        var payloads = CloudPayloads(stack);
        Assert.AreEqual(2, payloads.Count, string.Join("\n", payloads));
        var alarm = Decode(payloads[0]);
        var cleared = Decode(payloads[1]);
        Assert.AreEqual(EventTypes.DeviceOffline, alarm.Type);
        Assert.AreEqual(Device, alarm.Subject);
        StringAssert.Contains(alarm.Info, "reason=last_will");
        Assert.AreEqual(EventTypes.DeviceOnline, cleared.Type);
        Assert.AreEqual(alarm.Sequence, cleared.ReferenceSequence);
        Assert.AreEqual(1, stack.Gateway.Metrics.DeviceOfflineRaised);
        Assert.AreEqual(1, stack.Gateway.Metrics.DeviceOfflineCleared);
        Assert.AreEqual(2, (await stack.WaitForCloudEventsAsync(Device, 2)).Count, "the device's own events are there too");
    }

    [TestMethod]
    public async Task DeviceSendsAGatewayType_Refused_NothingStored()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync([Device]);
        await using var device = await RawMqttDevice.ConnectAsync(stack.MqttPort, Device);
        var forged = new DeviceEvent(Device, 1, 1, EventTypes.DeviceOffline, 1_764_720_000_000) { Subject = "pendant-0202" };

        await device.SendAsync(RawMqttDevice.Publish(Topics.Events(Device), EventCodec.Encode(forged), 1));
        CollectionAssert.AreEqual(RawMqttDevice.PubAck(1), await device.ReadPacketAsync(TimeSpan.FromSeconds(10)), "3.1.1: acknowledged and dropped");

        Assert.AreEqual(1, stack.Gateway.Metrics.Rejected(RejectReasons.TypeNotAllowed));
        Assert.AreEqual(0, GatewayDatabase.Count(stack.DatabasePath));
    }

    private static async Task PublishAsync(RawMqttDevice device, int seq, string type)
    {
        var e = new DeviceEvent(Device, 1, seq, type, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) { BatteryPercent = 80 };
        await device.SendAsync(RawMqttDevice.Publish(Topics.Events(Device), EventCodec.Encode(e), (ushort)seq));
        CollectionAssert.AreEqual(RawMqttDevice.PubAck((ushort)seq), await device.ReadPacketAsync(TimeSpan.FromSeconds(10)), "PUBACK after the commit");
    }

    private static Task<List<Eldercare.CloudStub.StoredEventView>> WaitForGatewayEventsAsync(EdgeStack stack, string type, int count) =>
        Eventually.WaitAsync(() => stack.Cloud.Database.QueryAsync(GatewayId, type), list => list.Count >= count, TimeSpan.FromSeconds(15), $"{count} {type} at the cloud stub");

    /// <summary>The gateway's events as the cloud stub stored them (its own file, read beside it).</summary>
    private static List<string> CloudPayloads(EdgeStack stack)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(stack.CloudDataDirectory, "cloud.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM events WHERE dev = $dev ORDER BY arrival";
        command.Parameters.AddWithValue("$dev", GatewayId);
        using var reader = command.ExecuteReader();
        var payloads = new List<string>();
        while (reader.Read())
        {
            payloads.Add(reader.GetString(0));
        }

        return payloads;
    }

    private static DeviceEvent Decode(string payload)
    {
        var result = EventCodec.Decode(Encoding.UTF8.GetBytes(payload));
        Assert.IsTrue(result.Ok, result.Detail);
        return result.Event;
    }
}
