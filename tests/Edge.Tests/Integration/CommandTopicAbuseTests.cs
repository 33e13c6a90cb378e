using Eldercare.Edge.Gateway.Broker;
using Eldercare.Edge.Gateway.Broker.Sessions;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.Integration;

/// <summary>
/// A device trying to forge or read downlinks: publishing on a commands topic (its own, or another device's), or
/// subscribing to another device's commands (by name or by wildcard). Each is refused and counted, and the victim's
/// downlinks go to the victim alone. Bare sockets: a client library would refuse some of these itself.
/// </summary>
[TestClass]
[TestCategory("Integration")]
public sealed class CommandTopicAbuseTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly byte[] PingResp = [0xD0, 0x00];

    [TestMethod]
    [DataRow("pendant-0301", DisplayName = "own commands topic")]
    [DataRow("pendant-0302", DisplayName = "the victim's commands topic")]
    public async Task Publish_OnACommandsTopic_ClosedWithoutPubAck_NothingReachesTheVictim(string topicOwner)
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0301", "pendant-0302"]);
        await using var victim = await SubscribedAsync(stack, "pendant-0302");
        await using var attacker = await RawMqttDevice.ConnectAsync(stack.MqttPort, "pendant-0301", cleanSession: false);
        await attacker.SendAsync(RawMqttDevice.Subscribe(Topics.Commands("pendant-0301"), packetId: 1, qos: 1));
        CollectionAssert.AreEqual(new byte[] { 0x90, 0x03, 0x00, 1, 0x01 }, await attacker.ReadPacketAsync(Timeout));

        await attacker.SendAsync(RawMqttDevice.Publish(Topics.Commands(topicOwner), "{\"fake\":\"help is coming\"}"u8.ToArray(), packetId: 7));

        Assert.IsNull(await attacker.ReadPacketAsync(Timeout), "closed, no PUBACK, no echo of its own publish");
        Assert.AreEqual(1, stack.Gateway.Metrics.Rejected(RejectReasons.TopicNotAllowed));
        await victim.SendAsync(RawMqttDevice.PingReq());
        CollectionAssert.AreEqual(PingResp, await victim.ReadPacketAsync(Timeout), "the victim got nothing before its PINGRESP");
        Assert.AreEqual(0, stack.Gateway.Metrics.DownlinksDelivered);
    }

    [TestMethod]
    public async Task Subscribe_ToAnotherDevicesCommandsOrAWildcard_NotAuthorized_ItsDownlinksReachOnlyItsDevice()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0303", "pendant-0304"]);
        await using var attacker = await RawMqttDevice.ConnectAsync(stack.MqttPort, "pendant-0303", cleanSession: false);
        string[] filters = [Topics.Commands("pendant-0304"), Topics.Commands(Topics.AnyDevice), Topics.Root + "#", "#"];
        for (var i = 0; i < filters.Length; i++)
        {
            await attacker.SendAsync(RawMqttDevice.Subscribe(filters[i], packetId: (ushort)(i + 1), qos: 1));
            CollectionAssert.AreEqual(new byte[] { 0x90, 0x03, 0x00, (byte)(i + 1), 0x80 }, await attacker.ReadPacketAsync(Timeout), $"SUBACK failure for '{filters[i]}'");
        }

        await using var victim = await SubscribedAsync(stack, "pendant-0304");
        Assert.AreEqual(DownlinkOutcome.Queued, await stack.Gateway.Downlinks.EnqueueAsync("pendant-0304", "help is coming"u8.ToArray(), CancellationToken.None));

        var delivered = await victim.ReadPacketAsync(Timeout);
        Assert.AreEqual(0x32, delivered![0], "the victim gets its downlink");
        await attacker.SendAsync(RawMqttDevice.PingReq());
        CollectionAssert.AreEqual(PingResp, await attacker.ReadPacketAsync(Timeout), "the attacker gets nothing of it");
        Assert.AreEqual(filters.Length, stack.Gateway.Metrics.Rejected(RejectReasons.TopicNotAllowed));
    }

    [TestMethod]
    public async Task Subscribe_OwnCommandsAtQos0_RefusedAndCounted_DownlinksAreQos1Only()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0305"]);
        await using var device = await RawMqttDevice.ConnectAsync(stack.MqttPort, "pendant-0305", cleanSession: false);

        await device.SendAsync(RawMqttDevice.Subscribe(Topics.Commands("pendant-0305"), packetId: 3, qos: 0));

        CollectionAssert.AreEqual(new byte[] { 0x90, 0x03, 0x00, 3, 0x80 }, await device.ReadPacketAsync(Timeout));
        await Eventually.WaitAsync(() => stack.Gateway.Metrics.Rejected(BrokerRejectReasons.QosNotSupported) == 1, Timeout, "qos_not_supported counted");
    }

    private static async Task<RawMqttDevice> SubscribedAsync(EdgeStack stack, string id)
    {
        var device = await RawMqttDevice.ConnectAsync(stack.MqttPort, id, cleanSession: false);
        await device.SendAsync(RawMqttDevice.Subscribe(Topics.Commands(id), packetId: 1, qos: 1));
        CollectionAssert.AreEqual(new byte[] { 0x90, 0x03, 0x00, 1, 0x01 }, await device.ReadPacketAsync(Timeout));
        return device;
    }
}
