using System.Collections.Concurrent;
using System.Text;
using Eldercare.Edge.Gateway.Broker.Sessions;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Eldercare.Edge.Tests.Integration;

/// <summary>
/// Sessions and downlinks through the embedded broker over TCP: MQTTnet's client as a device that acknowledges on its
/// own, a bare socket (<see cref="RawMqttDevice"/>) where a PUBACK must be withheld, and a gateway restarted on the
/// same data directory.
/// </summary>
[TestClass]
[TestCategory("Integration")]
public sealed class DownlinkTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [TestMethod]
    public async Task ConnectedSubscribedDevice_Enqueue_ReceivesItOnItsCommandsTopicAtQos1_Acknowledged()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0201"]);
        await using var device = await CommandDevice.ConnectAsync(stack, "pendant-0201", MqttProtocolVersion.V500, cleanStart: false, expected: false, sessionExpiry: 3600);
        await device.SubscribeAsync();

        Assert.AreEqual(DownlinkOutcome.Queued, await stack.Gateway.Downlinks.EnqueueAsync("pendant-0201", Encoding.UTF8.GetBytes("help is coming"), CancellationToken.None));

        var message = await device.NextAsync();
        Assert.AreEqual(Topics.Commands("pendant-0201"), message.Topic);
        Assert.AreEqual(MqttQualityOfServiceLevel.AtLeastOnce, message.QualityOfServiceLevel);
        Assert.AreEqual("help is coming", message.ConvertPayloadToString());
        await Eventually.WaitAsync(() => stack.Gateway.Metrics.DownlinksAcknowledged == 1, Timeout, "the device's PUBACK");
        Assert.Contains("gateway_downlinks_queue_depth 0\n", stack.Gateway.Metrics.ToPrometheusText());
    }

    [TestMethod]
    public async Task OfflineDevice_QueuedDownlinks_ArriveInOrderOnReconnect_ExactlyOnceEach()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0202"]);
        await using (var first = await CommandDevice.ConnectAsync(stack, "pendant-0202", MqttProtocolVersion.V311, cleanStart: false, expected: false))
        {
            await first.SubscribeAsync();
        }

        await WaitDisconnectedAsync(stack);
        for (var i = 1; i <= 5; i++)
        {
            Assert.AreEqual(DownlinkOutcome.Queued, await stack.Gateway.Downlinks.EnqueueAsync("pendant-0202", Encoding.UTF8.GetBytes($"cmd-{i}"), CancellationToken.None));
        }

        // No new SUBSCRIBE: the session kept it.
        await using var again = await CommandDevice.ConnectAsync(stack, "pendant-0202", MqttProtocolVersion.V311, cleanStart: false, expected: true);

        var received = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            received.Add((await again.NextAsync()).ConvertPayloadToString());
        }

        CollectionAssert.AreEqual(Enumerable.Range(1, 5).Select(i => $"cmd-{i}").ToList(), received);
        await Eventually.WaitAsync(() => stack.Gateway.Metrics.DownlinksAcknowledged == 5, Timeout, "5 PUBACKs");
        Assert.AreEqual(5, stack.Gateway.Metrics.DownlinksDelivered);
        Assert.AreEqual(0, stack.Gateway.Metrics.DownlinksRedelivered);
        Assert.AreEqual(0, again.Pending, "nothing more than the five");
    }

    [TestMethod]
    public async Task UnacknowledgedDownlink_DeviceReconnects_ResentWithDupAndSamePacketId_ThenRemovedOnPubAck()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0203"]);
        byte[] first;
        await using (var device = await RawMqttDevice.ConnectAsync(stack.MqttPort, "pendant-0203", cleanSession: false))
        {
            await device.SendAsync(RawMqttDevice.Subscribe(Topics.Commands("pendant-0203"), packetId: 1, qos: 1));
            CollectionAssert.AreEqual(new byte[] { 0x90, 0x03, 0x00, 1, 0x01 }, await device.ReadPacketAsync(Timeout));
            await stack.Gateway.Downlinks.EnqueueAsync("pendant-0203", "a"u8.ToArray(), CancellationToken.None);
            first = (await device.ReadPacketAsync(Timeout))!;
            Assert.AreEqual(0x32, first[0], "PUBLISH QoS 1, DUP 0");
        }

        await WaitDisconnectedAsync(stack);
        await using var again = await RawMqttDevice.ConnectAsync(stack.MqttPort, "pendant-0203", cleanSession: false, sessionPresent: true);
        var resent = (await again.ReadPacketAsync(Timeout))!;

        Assert.AreEqual(0x3A, resent[0], "PUBLISH QoS 1 with DUP 1");
        CollectionAssert.AreEqual(first[1..], resent[1..], "same topic, packet identifier and payload");
        var packetId = (ushort)((resent[^3] << 8) | resent[^2]);
        await again.SendAsync(RawMqttDevice.PubAck(packetId));
        await Eventually.WaitAsync(() => stack.Gateway.Metrics.DownlinksAcknowledged == 1, Timeout, "removed on PUBACK");
        Assert.AreEqual(1, stack.Gateway.Metrics.DownlinksRedelivered);
    }

    [TestMethod]
    public async Task GatewayRestart_QueuedDownlinksAndSessionSurvive_DeliveredInOrderAfterIt()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0204"]);
        await using (var first = await CommandDevice.ConnectAsync(stack, "pendant-0204", MqttProtocolVersion.V311, cleanStart: false, expected: false))
        {
            await first.SubscribeAsync();
        }

        await WaitDisconnectedAsync(stack);
        await stack.Gateway.Downlinks.EnqueueAsync("pendant-0204", "before-restart-1"u8.ToArray(), CancellationToken.None);
        await stack.Gateway.Downlinks.EnqueueAsync("pendant-0204", "before-restart-2"u8.ToArray(), CancellationToken.None);

        await stack.RestartGatewayAsync();

        Assert.Contains("gateway_downlinks_queue_depth 2\n", stack.Gateway.Metrics.ToPrometheusText(), "loaded from sessions.db");
        await using var again = await CommandDevice.ConnectAsync(stack, "pendant-0204", MqttProtocolVersion.V311, cleanStart: false, expected: true);
        Assert.AreEqual("before-restart-1", (await again.NextAsync()).ConvertPayloadToString());
        Assert.AreEqual("before-restart-2", (await again.NextAsync()).ConvertPayloadToString());
    }

    [TestMethod]
    public async Task CleanSessionConnect_DiscardsTheQueue_SessionPresentFalse_Counted()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0205"]);
        await using (var first = await CommandDevice.ConnectAsync(stack, "pendant-0205", MqttProtocolVersion.V311, cleanStart: false, expected: false))
        {
            await first.SubscribeAsync();
        }

        await WaitDisconnectedAsync(stack);
        await stack.Gateway.Downlinks.EnqueueAsync("pendant-0205", "old-1"u8.ToArray(), CancellationToken.None);
        await stack.Gateway.Downlinks.EnqueueAsync("pendant-0205", "old-2"u8.ToArray(), CancellationToken.None);

        await using var clean = await CommandDevice.ConnectAsync(stack, "pendant-0205", MqttProtocolVersion.V311, cleanStart: true, expected: false);
        await clean.SubscribeAsync();
        await stack.Gateway.Downlinks.EnqueueAsync("pendant-0205", "new"u8.ToArray(), CancellationToken.None);

        Assert.AreEqual("new", (await clean.NextAsync()).ConvertPayloadToString(), "the old ones were discarded, not delivered");
        Assert.AreEqual(2, stack.Gateway.Metrics.DownlinksDiscarded("clean_session"));
        Assert.Contains("gateway_downlinks_discarded_total{reason=\"clean_session\"} 2\n", stack.Gateway.Metrics.ToPrometheusText());
    }

    [TestMethod]
    public async Task Mqtt5_SessionExpiryAboveTheCap_ConnAckAnnouncesTheCap_ExpiryZeroEndsWithTheConnection()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0206", "pendant-0207"], "--Gateway:Mqtt:MaxSessionExpirySeconds=600");
        await using (var forever = await CommandDevice.ConnectAsync(stack, "pendant-0206", MqttProtocolVersion.V500, cleanStart: false, expected: false, sessionExpiry: uint.MaxValue))
        {
            Assert.AreEqual(600u, forever.Result.SessionExpiryInterval, "MQTT 5 3.2.2.3.2: the interval the gateway uses");
        }

        await using (var shortLived = await CommandDevice.ConnectAsync(stack, "pendant-0207", MqttProtocolVersion.V500, cleanStart: false, expected: false, sessionExpiry: 0))
        {
            Assert.AreEqual(DownlinkOutcome.Queued, await stack.Gateway.Downlinks.EnqueueAsync("pendant-0207", "x"u8.ToArray(), CancellationToken.None), "a session while connected");
        }

        await WaitDisconnectedAsync(stack);
        Assert.AreEqual(DownlinkOutcome.NoSession, await stack.Gateway.Downlinks.EnqueueAsync("pendant-0207", "y"u8.ToArray(), CancellationToken.None), "expiry 0: ended with its connection");
        Assert.AreEqual(1, stack.Gateway.Metrics.DownlinksDiscarded("session_ended"));
        Assert.AreEqual(DownlinkOutcome.Queued, await stack.Gateway.Downlinks.EnqueueAsync("pendant-0206", "z"u8.ToArray(), CancellationToken.None), "kept for 600 s");
    }

    [TestMethod]
    public async Task UnknownDevice_Enqueue_UnknownDeviceCounted()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0208"]);

        Assert.AreEqual(DownlinkOutcome.UnknownDevice, await stack.Gateway.Downlinks.EnqueueAsync("pendant-9999", "x"u8.ToArray(), CancellationToken.None));
        Assert.AreEqual(DownlinkOutcome.NoSession, await stack.Gateway.Downlinks.EnqueueAsync("pendant-0208", "x"u8.ToArray(), CancellationToken.None), "registered, never connected");
        Assert.Contains("gateway_downlinks_rejected_total{reason=\"unknown_device\"} 1\n", stack.Gateway.Metrics.ToPrometheusText());
    }

    [TestMethod]
    public async Task Mqtt5Disconnect_WithALongerSessionExpiry_SessionOutlivesTheConnectsExpiry_DownlinkWaits()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0211"]);
        await using (var first = await CommandDevice.ConnectAsync(stack, "pendant-0211", MqttProtocolVersion.V500, cleanStart: false, expected: false, sessionExpiry: 1))
        {
            await first.SubscribeAsync();
            await first.Client.DisconnectAsync(new MqttClientDisconnectOptions { SessionExpiryInterval = 3600 });
        }

        await WaitDisconnectedAsync(stack);
        await Task.Delay(2_500); // past the CONNECT's 1 s: without the DISCONNECT's interval the session would be gone

        Assert.AreEqual(DownlinkOutcome.Queued, await stack.Gateway.Downlinks.EnqueueAsync("pendant-0211", Encoding.UTF8.GetBytes("kept"), CancellationToken.None));
        await using var again = await CommandDevice.ConnectAsync(stack, "pendant-0211", MqttProtocolVersion.V500, cleanStart: false, expected: true, sessionExpiry: 3600);
        Assert.AreEqual("kept", (await again.NextAsync()).ConvertPayloadToString());
    }

    [TestMethod]
    public async Task Mqtt5Disconnect_WithASessionExpiryAfterAConnectWithZero_ProtocolErrorAndTheSessionEnds()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0212"]);
        await using (var first = await CommandDevice.ConnectAsync(stack, "pendant-0212", MqttProtocolVersion.V500, cleanStart: false, expected: false, sessionExpiry: 0))
        {
            await first.SubscribeAsync();
            await first.Client.DisconnectAsync(new MqttClientDisconnectOptions { SessionExpiryInterval = 3600 });
        }

        await WaitDisconnectedAsync(stack);

        Assert.AreEqual(1, stack.Gateway.Metrics.Rejected("protocol_error"));
        Assert.AreEqual(DownlinkOutcome.NoSession, await stack.Gateway.Downlinks.EnqueueAsync("pendant-0212", Encoding.UTF8.GetBytes("x"), CancellationToken.None));
    }

    private static Task WaitDisconnectedAsync(EdgeStack stack) =>
        Eventually.WaitAsync(() => stack.Gateway.Metrics.ToPrometheusText().Contains("gateway_devices_connected 0\n", StringComparison.Ordinal), Timeout, "the gateway saw the disconnect");

    /// <summary>A device on MQTTnet's client that subscribes to its commands and collects what arrives (acknowledged by the client).</summary>
    internal sealed class CommandDevice : IAsyncDisposable
    {
        private readonly BlockingCollection<MqttApplicationMessage> _received = [];
        private readonly string _id;

        private CommandDevice(string id, IMqttClient client)
        {
            _id = id;
            Client = client;
            client.ApplicationMessageReceivedAsync += args =>
            {
                _received.Add(args.ApplicationMessage);
                return Task.CompletedTask;
            };
        }

        public IMqttClient Client { get; }

        public MqttClientConnectResult Result { get; private set; } = null!;

        public int Pending => _received.Count;

        public static async Task<CommandDevice> ConnectAsync(EdgeStack stack, string id, MqttProtocolVersion version, bool cleanStart, bool expected, uint sessionExpiry = 0)
        {
            var device = new CommandDevice(id, new MqttClientFactory().CreateMqttClient());
            var options = new MqttClientOptionsBuilder()
                .WithTcpServer("127.0.0.1", stack.MqttPort)
                .WithClientId(id)
                .WithCredentials(id, EdgeStack.SecretOf(id))
                .WithProtocolVersion(version)
                .WithCleanSession(cleanStart)
                .WithTimeout(Timeout);
            if (version == MqttProtocolVersion.V500)
            {
                options = options.WithSessionExpiryInterval(sessionExpiry);
            }

            device.Result = await device.Client.ConnectAsync(options.Build());
            Assert.AreEqual(MqttClientConnectResultCode.Success, device.Result.ResultCode);
            Assert.AreEqual(expected, device.Result.IsSessionPresent, "Session Present");
            return device;
        }

        public async Task SubscribeAsync()
        {
            var result = await Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Topics.Commands(_id), MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.AreEqual(MqttClientSubscribeResultCode.GrantedQoS1, result.Items.Single().ResultCode);
        }

        public Task<MqttApplicationMessage> NextAsync() => Task.Run(() => _received.TryTake(out var message, Timeout) ? message : throw new TimeoutException($"no downlink for {_id} within {Timeout.TotalSeconds} s"));

        public async ValueTask DisposeAsync()
        {
            if (Client.IsConnected)
            {
                await Client.DisconnectAsync(new MqttClientDisconnectOptions());
            }

            Client.Dispose();
        }
    }
}
