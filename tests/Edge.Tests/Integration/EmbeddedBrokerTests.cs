using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Eldercare.Edge.Tests.Integration;

/// <summary>The default path: device -> embedded broker (the lean device listener) -> SQLite -> forwarder -> cloud stub, all real, in this process.</summary>
[TestClass]
[TestCategory("Integration")]
public sealed class EmbeddedBrokerTests : EmbeddedBrokerContract
{
    protected override string[] EngineArgs => [];

    protected override bool TellsSpooferWhyBeforeClosing => true;
}

/// <summary>What the embedded broker must do (its one engine since issue 12; the contract stays a class of its own so a
/// second listener would be held to it).</summary>
public abstract class EmbeddedBrokerContract
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    protected abstract string[] EngineArgs { get; }

    /// <summary>An MQTT 5 device publishing another device's event gets PUBACK NotAuthorized + reason before the close.</summary>
    protected abstract bool TellsSpooferWhyBeforeClosing { get; }

    [TestMethod]
    public async Task Sos_PublishedQos1_StoredOnDiskBeforePubAckAndForwardedOnce()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0001"], EngineArgs);
        await using var device = await stack.ConnectDeviceAsync("pendant-0001");
        var sos = TestEvents.Make("pendant-0001", seq: 1);

        var ack = await device.PublishAsync(sos);

        Assert.AreEqual(MqttClientPublishReasonCode.Success, ack.ReasonCode);
        // The PUBACK came after the commit, so the row is already in the file.
        Assert.AreEqual(1, GatewayDatabase.Count(stack.DatabasePath, sos.Id));
        var atCloud = await stack.WaitForCloudEventsAsync("pendant-0001", 1);
        Assert.HasCount(1, atCloud);
        Assert.AreEqual(sos.Id, atCloud[0].Id);
        Assert.AreEqual("alarm", atCloud[0].Lane);
        Assert.AreEqual(1, stack.Gateway.Metrics.Stored);
    }

    [TestMethod]
    public async Task Sos_PublishedTwiceWithSameId_ReachesCloudOnce()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0002"], EngineArgs);
        await using var device = await stack.ConnectDeviceAsync("pendant-0002");
        var sos = TestEvents.Make("pendant-0002", seq: 7);

        var first = await device.PublishAsync(sos);
        await stack.WaitForCloudEventsAsync("pendant-0002", 1);
        var second = await device.PublishAsync(sos); // same id, new packet (a resend after a lost PUBACK)
        var heartbeat = TestEvents.Make("pendant-0002", seq: 8, type: EventTypes.Heartbeat);
        await device.PublishAsync(heartbeat);
        var atCloud = await stack.WaitForCloudEventsAsync("pendant-0002", 2);

        Assert.AreEqual(MqttClientPublishReasonCode.Success, first.ReasonCode);
        Assert.AreEqual(MqttClientPublishReasonCode.Success, second.ReasonCode, "a duplicate is acknowledged");
        Assert.AreEqual(1, atCloud.Count(e => e.Id == sos.Id));
        Assert.AreEqual(1, stack.Gateway.Metrics.Duplicates);
        Assert.AreEqual(1, GatewayDatabase.Count(stack.DatabasePath, sos.Id));
    }

    [TestMethod]
    public async Task Publish_EventOfAnotherDeviceOnOwnTopic_RejectedAndDisconnected()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0003", "pendant-0004"], EngineArgs);
        await using var spoofer = await stack.ConnectDeviceAsync("pendant-0003");
        var forged = TestEvents.Make("pendant-0004", seq: 1);

        if (TellsSpooferWhyBeforeClosing)
        {
            // docs/wire-format.md: MQTT 5 PUBACK NotAuthorized with reason string device_mismatch, then closed.
            var ack = await spoofer.PublishAsync(forged, Topics.Events("pendant-0003")).WaitAsync(Timeout);
            Assert.AreEqual(MqttClientPublishReasonCode.NotAuthorized, ack.ReasonCode);
            Assert.AreEqual(RejectReasons.DeviceMismatch, ack.ReasonString);
        }
        else
        {
            // Closed instead of a PUBACK, so the client's publish fails.
            await Assert.ThrowsAsync<MQTTnet.Exceptions.MqttCommunicationException>(
                () => spoofer.PublishAsync(forged, Topics.Events("pendant-0003")).WaitAsync(Timeout));
        }

        await spoofer.Disconnected.WaitAsync(Timeout);
        Assert.AreEqual(1, stack.Gateway.Metrics.Rejected(RejectReasons.DeviceMismatch));
        Assert.AreEqual(0, GatewayDatabase.Count(stack.DatabasePath));
    }

    [TestMethod]
    public async Task Publish_OnAnotherDevicesTopic_ConnectionClosedNothingStored()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0005", "pendant-0006"], EngineArgs);
        await using var spoofer = await stack.ConnectDeviceAsync("pendant-0005");
        await using var victim = await stack.ConnectDeviceAsync("pendant-0006");

        // MQTTnet's client throws or returns when the server closes the link instead of sending PUBACK.
        try
        {
            await spoofer.PublishAsync(TestEvents.Make("pendant-0006", seq: 1), Topics.Events("pendant-0006")).WaitAsync(Timeout);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            // Expected: the connection was closed.
        }

        await spoofer.Disconnected.WaitAsync(Timeout);
        Assert.AreEqual(1, stack.Gateway.Metrics.Rejected(RejectReasons.TopicNotAllowed));
        Assert.AreEqual(0, GatewayDatabase.Count(stack.DatabasePath));
        // Everyone else keeps being served.
        var ok = await victim.PublishAsync(TestEvents.Make("pendant-0006", seq: 2));
        Assert.AreEqual(MqttClientPublishReasonCode.Success, ok.ReasonCode);
    }

    [TestMethod]
    public async Task Connect_WrongPassword_RefusedAndCounted()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0007"], EngineArgs);

        var (device, result) = await TestDevice.TryConnectAsync(stack.MqttPort, "pendant-0007", "not-the-secret");
        await using (device)
        {
            Assert.AreEqual(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
            Assert.AreEqual(1, stack.Gateway.Metrics.Rejected(RejectReasons.BadCredentials));
        }
    }

    [TestMethod]
    public async Task Connect_UnknownDeviceOrClientIdNotUsername_Refused()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0008"], EngineArgs);

        var (stranger, strangerResult) = await TestDevice.TryConnectAsync(stack.MqttPort, "pendant-9999", "whatever");
        var (renamed, renamedResult) = await TestDevice.TryConnectAsync(stack.MqttPort, "pendant-0008", EdgeStack.SecretOf("pendant-0008"), clientId: "other-id");
        await using (stranger)
        await using (renamed)
        {
            Assert.AreEqual(MqttClientConnectResultCode.BadUserNameOrPassword, strangerResult.ResultCode);
            Assert.AreEqual(MqttClientConnectResultCode.BadUserNameOrPassword, renamedResult.ResultCode);
            Assert.AreEqual(1, stack.Gateway.Metrics.Rejected(RejectReasons.UnknownDevice));
        }
    }

    [TestMethod]
    public async Task Publish_MalformedPayload_Mqtt5PayloadFormatInvalid_Mqtt311AcknowledgedAndDropped()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0009", "pendant-0010"], EngineArgs);
        await using var v5 = await stack.ConnectDeviceAsync("pendant-0009");
        await using var v311 = await stack.ConnectDeviceAsync("pendant-0010", MqttProtocolVersion.V311);
        var garbage = "{\"v\":1,"u8.ToArray();

        var v5Ack = await v5.PublishRawAsync(garbage, Topics.Events("pendant-0009"));
        var v311Ack = await v311.PublishRawAsync(garbage, Topics.Events("pendant-0010"));

        Assert.AreEqual(MqttClientPublishReasonCode.PayloadFormatInvalid, v5Ack.ReasonCode);
        Assert.AreEqual(MqttClientPublishReasonCode.Success, v311Ack.ReasonCode, "3.1.1 has no reason code: acknowledged and dropped");
        Assert.AreEqual(2, stack.Gateway.Metrics.Rejected(RejectReasons.MalformedJson));
        Assert.IsTrue(v5.Client.IsConnected && v311.Client.IsConnected, "a bad payload is not a reason to disconnect");
        Assert.AreEqual(0, GatewayDatabase.Count(stack.DatabasePath));
    }

    [TestMethod]
    public async Task Subscribe_AnotherDevicesCommands_NotAuthorized()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0011"], EngineArgs);
        await using var device = await stack.ConnectDeviceAsync("pendant-0011");

        var result = await device.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(Topics.Commands("pendant-0012"), MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.Commands("pendant-0011"), MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

        var codes = result.Items.Select(i => i.ResultCode).ToList();
        Assert.AreEqual(MqttClientSubscribeResultCode.NotAuthorized, codes[0]);
        Assert.AreEqual(MqttClientSubscribeResultCode.GrantedQoS1, codes[1]);
    }
}
