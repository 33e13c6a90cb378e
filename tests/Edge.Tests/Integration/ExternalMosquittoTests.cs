using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using MQTTnet;
using MQTTnet.Formatter;

namespace Eldercare.Edge.Tests.Integration;

/// <summary>External-broker mode against a real mosquitto started on a free loopback port with the project's ACL.</summary>
[TestClass]
[TestCategory("Integration")]
public sealed class ExternalMosquittoTests
{
    private const string GatewayPassword = "gateway-secret";

    private static Task<MosquittoProcess> StartMosquittoAsync(params string[] devices)
    {
        if (!MosquittoProcess.IsInstalled)
        {
            Assert.Inconclusive("mosquitto is not installed (apt-get install -y mosquitto)");
        }

        var users = devices.ToDictionary(d => d, EdgeStack.SecretOf);
        users["eldercare-gateway"] = GatewayPassword;
        return MosquittoProcess.StartAsync(users);
    }

    [TestMethod]
    public async Task Sos_ThroughMosquitto_StoredAndForwardedOnce()
    {
        await using var mosquitto = await StartMosquittoAsync("watch-0001");
        await using var stack = await EdgeStack.StartExternalAsync(["watch-0001"], mosquitto, GatewayPassword);
        await using var device = await stack.ConnectDeviceAsync("watch-0001");
        var sos = TestEvents.Make("watch-0001", seq: 1);

        var ack = await device.PublishAsync(sos);

        Assert.IsTrue(ack.IsSuccess, ack.ReasonCode.ToString());
        var atCloud = await stack.WaitForCloudEventsAsync("watch-0001", 1);
        Assert.AreEqual(sos.Id, atCloud.Single().Id);
        Assert.AreEqual(1, GatewayDatabase.Count(stack.DatabasePath, sos.Id));
    }

    [TestMethod]
    public async Task Sos_PublishedTwiceThroughMosquitto_ReachesCloudOnce()
    {
        await using var mosquitto = await StartMosquittoAsync("watch-0002");
        await using var stack = await EdgeStack.StartExternalAsync(["watch-0002"], mosquitto, GatewayPassword);
        await using var device = await stack.ConnectDeviceAsync("watch-0002", MqttProtocolVersion.V311);
        var sos = TestEvents.Make("watch-0002", seq: 3);

        await device.PublishAsync(sos);
        await device.PublishAsync(sos);
        await device.PublishAsync(TestEvents.Make("watch-0002", seq: 4, type: EventTypes.Heartbeat));
        var atCloud = await stack.WaitForCloudEventsAsync("watch-0002", 2);
        await Eventually.WaitAsync(() => stack.Gateway.Metrics.Duplicates == 1, TimeSpan.FromSeconds(10), "the second copy counted as duplicate");

        Assert.AreEqual(1, atCloud.Count(e => e.Id == sos.Id));
        Assert.AreEqual(2, atCloud.Count);
    }

    [TestMethod]
    public async Task Publish_OnAnotherDevicesTopic_DeniedByMosquittoAcl_NothingStored()
    {
        await using var mosquitto = await StartMosquittoAsync("watch-0003", "watch-0004");
        await using var stack = await EdgeStack.StartExternalAsync(["watch-0003", "watch-0004"], mosquitto, GatewayPassword);
        MqttClientPublishReasonCode denied;
        await using (var spoofer = await stack.ConnectDeviceAsync("watch-0003"))
        {
            // mosquitto 2.0 answers a denied MQTT 5 publish with NotAuthorized, drops it and closes the connection.
            denied = (await spoofer.PublishAsync(TestEvents.Make("watch-0004", seq: 1), Topics.Events("watch-0004"))).ReasonCode;
        }

        await using var device = await stack.ConnectDeviceAsync("watch-0003");
        // On its own topic but with another device's event: mosquitto lets it through, the gateway rejects it.
        await device.PublishAsync(TestEvents.Make("watch-0004", seq: 2), Topics.Events("watch-0003"));
        var good = TestEvents.Make("watch-0003", seq: 1);
        await device.PublishAsync(good);
        await stack.WaitForCloudEventsAsync("watch-0003", 1);

        Assert.AreEqual(MqttClientPublishReasonCode.NotAuthorized, denied);
        await Eventually.WaitAsync(() => stack.Gateway.Metrics.Rejected(RejectReasons.DeviceMismatch) == 1, TimeSpan.FromSeconds(10), "device_mismatch counted");
        Assert.AreEqual(1, GatewayDatabase.Count(stack.DatabasePath), "only the device's own event is stored");
        Assert.AreEqual(0, (await stack.Cloud.Database.QueryAsync("watch-0004", null)).Count);
    }

    [TestMethod]
    public async Task Connect_WrongPasswordAtMosquitto_Refused()
    {
        await using var mosquitto = await StartMosquittoAsync("watch-0005");

        var (device, result) = await TestDevice.TryConnectAsync(mosquitto.Port, "watch-0005", "wrong");
        await using (device)
        {
            Assert.AreNotEqual(MqttClientConnectResultCode.Success, result.ResultCode);
        }
    }

    [TestMethod]
    public async Task Events_PublishedWhileGatewayAway_DeliveredFromPersistentSession()
    {
        await using var mosquitto = await StartMosquittoAsync("watch-0006");
        await using (var first = await EdgeStack.StartExternalAsync(["watch-0006"], mosquitto, GatewayPassword))
        {
            // Subscribed once: mosquitto now keeps the gateway's session and queues for it.
        }

        await using var device = await TestDevice.ConnectAsync(mosquitto.Port, "watch-0006", EdgeStack.SecretOf("watch-0006"));
        for (var seq = 1; seq <= 20; seq++)
        {
            await device.PublishAsync(TestEvents.Make("watch-0006", seq, seq % 5 == 0 ? EventTypes.Sos : EventTypes.Heartbeat));
        }

        await using var stack = await EdgeStack.StartExternalAsync(["watch-0006"], mosquitto, GatewayPassword);
        var atCloud = await stack.WaitForCloudEventsAsync("watch-0006", 20);

        Assert.HasCount(20, atCloud);
    }

    [TestMethod]
    public async Task Downlink_ToADeviceAwayWithItsSession_DeliveredOnReconnect_WithoutASession_NoSession()
    {
        await using var mosquitto = await StartMosquittoAsync("watch-0007", "watch-0008");
        await using var stack = await EdgeStack.StartExternalAsync(["watch-0007", "watch-0008"], mosquitto, GatewayPassword);
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (var away = await ConnectPersistentAsync(mosquitto.Port, "watch-0007", _ => { }))
        {
            await away.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Topics.Commands("watch-0007"), MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
            await away.DisconnectAsync();
        }

        var ack = Eldercare.Firmware.Core.Commands.CommandCodec.EncodeAck("watch-0007:1:5", 1, "center");
        var queued = await stack.Gateway.Downlinks.EnqueueAsync("watch-0007", ack, CancellationToken.None);
        var noSession = await stack.Gateway.Downlinks.EnqueueAsync("watch-0008", ack, CancellationToken.None);
        var unknown = await stack.Gateway.Downlinks.EnqueueAsync("watch-9999", ack, CancellationToken.None);
        using var back = await ConnectPersistentAsync(mosquitto.Port, "watch-0007", m => received.TrySetResult(m.ApplicationMessage.ConvertPayloadToString()));

        Assert.AreEqual(System.Text.Encoding.UTF8.GetString(ack), await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.AreEqual((Eldercare.Edge.Gateway.Broker.Sessions.DownlinkOutcome.Queued, Eldercare.Edge.Gateway.Broker.Sessions.DownlinkOutcome.NoSession, Eldercare.Edge.Gateway.Broker.Sessions.DownlinkOutcome.UnknownDevice),
            (queued, noSession, unknown));
    }

    /// <summary>A device as the firmware connects: clean session off, a session that outlives the connection.</summary>
    private static async Task<IMqttClient> ConnectPersistentAsync(int port, string id, Action<MqttApplicationMessageReceivedEventArgs> onMessage)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += args => { onMessage(args); return Task.CompletedTask; };
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(id)
            .WithCredentials(id, EdgeStack.SecretOf(id)).WithProtocolVersion(MqttProtocolVersion.V500).WithCleanStart(false).WithSessionExpiryInterval(3600).Build());
        Assert.AreEqual(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }
}
