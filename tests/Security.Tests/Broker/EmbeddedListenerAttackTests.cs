using Eldercare.Edge.Gateway.Broker;
using Eldercare.Firmware.Core.Events;
using Eldercare.Security.Tests.Support;
using MQTTnet;
using MQTTnet.Protocol;

namespace Eldercare.Security.Tests.Broker;

/// <summary>
/// Attacks on the embedded broker below the payload: foreign and wildcard topics, foreign subscriptions, QoS 2,
/// bad credentials, garbage and oversized packets, a connect flood. Each: reason counted and logged with who,
/// nothing stored, the offender's connection closed where the protocol says so, the good device served.
/// </summary>
[TestClass]
[TestCategory("Security")]
public sealed class EmbeddedListenerAttackTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private static SecurityStack? _stack;
    private static int _next;

    private static SecurityStack Stack => _stack!;

    private static string NextAttacker() => $"intruder-{Interlocked.Increment(ref _next):d4}";

    // Every device of this class connects from 127.0.0.1, which its bad-credential tests make a failing address: the
    // budget of verifications for failing addresses is raised so that each test's first login is not refused by
    // the previous tests' (ConnectLockoutTests checks the budget).
    [ClassInitialize]
    public static async Task StartAsync(TestContext context) =>
        _stack = await SecurityStack.StartAsync(false, Enumerable.Range(1, 60).Select(i => $"intruder-{i:d4}").Append("victim-0001"),
            "--Gateway:Mqtt:ConnectFailuresPerDeviceFromAddress=5", "--Gateway:Mqtt:ConnectWindowSeconds=600",
            "--Gateway:Mqtt:FailingAddressHashesPerSecond=1000", "--Gateway:Mqtt:ConnectTimeoutSeconds=2",
            // Every attack here comes from 127.0.0.1 and several look for their own detail in the log; summing a
            // flood up per address (LogInjectionTests, with the defaults) would hide those lines.
            "--Gateway:Ingest:RejectionLogLinesPerWindow=10000");

    [ClassCleanup]
    public static async Task StopAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    [TestMethod]
    [DataRow(Topics.Root + "victim-0001" + Topics.EventsSuffix, DisplayName = "another device's events")]
    [DataRow(Topics.Root + "victim-0001" + Topics.StatusSuffix, DisplayName = "another device's status")]
    [DataRow(Topics.Root + Topics.AnyDevice + Topics.EventsSuffix, DisplayName = "single-level wildcard")]
    [DataRow(Topics.Root + "#", DisplayName = "multi-level wildcard")]
    [DataRow(Topics.Root + "{self}/../victim-0001" + Topics.EventsSuffix, DisplayName = "dot-dot path")]
    [DataRow(Topics.Root + "{self}" + Topics.EventsSuffix + "/extra", DisplayName = "extra level")]
    [DataRow(Topics.Root + "{self}" + Topics.CommandsSuffix, DisplayName = "own downlink topic")]
    [DataRow("/" + Topics.Root + "{self}" + Topics.EventsSuffix, DisplayName = "leading slash")]
    public async Task Publish_ForbiddenTopic_RejectedConnectionClosedNothingStored(string topic)
    {
        var attacker = NextAttacker();
        topic = topic.Replace("{self}", attacker, StringComparison.Ordinal);
        var before = Stack.Gateway.Metrics.Rejected(RejectReasons.TopicNotAllowed) + Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.ProtocolError);
        await using var raw = await RawMqtt.OpenAsync(Stack.MqttPort);
        await raw.SendAsync(RawMqtt.Connect(attacker, attacker, SecurityStack.SecretOf(attacker)));
        var connack = await raw.ReadAsync(Timeout);
        Assert.IsNotNull(connack);
        Assert.AreEqual(0x20, connack[0]);
        Assert.AreEqual(0, connack[^1], "accepted");

        await raw.SendAsync(RawMqtt.Publish(topic, EventCodec.Encode(Device.Event("victim-0001", 1)), qos: 1));

        Assert.IsTrue(await raw.WaitClosedAsync(Timeout), "the offender's connection is closed without PUBACK");
        await Eldercare.TestSupport.Eventually.WaitAsync(
            () => Stack.Gateway.Metrics.Rejected(RejectReasons.TopicNotAllowed) + Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.ProtocolError) > before,
            Timeout, "topic_not_allowed or protocol_error counted");
        await Stack.Log.WaitForLineAsync(Timeout, "rejected " + attacker);
        Assert.AreEqual(0, Stack.StoredCount("victim-0001"));
        Assert.AreEqual(0, Stack.StoredCount(attacker));
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    [DataRow(Topics.Root + "victim-0001" + Topics.CommandsSuffix)]
    [DataRow(Topics.Root + Topics.AnyDevice + Topics.CommandsSuffix)]
    [DataRow(Topics.Root + "#")]
    [DataRow("#")]
    [DataRow(Topics.Root + Topics.AnyDevice + Topics.EventsSuffix)]
    public async Task Subscribe_ForeignOrWildcardFilter_NotAuthorizedAndCounted(string filter)
    {
        var attacker = NextAttacker();
        var before = Stack.Gateway.Metrics.Rejected(RejectReasons.TopicNotAllowed);
        await using var device = await Stack.ConnectAsync(attacker);

        var result = await device.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());

        Assert.AreEqual(MqttClientSubscribeResultCode.NotAuthorized, result.Items.Single().ResultCode);
        await Stack.AssertRejectedAsync(attacker, RejectReasons.TopicNotAllowed, before);
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    public async Task Publish_Qos2_RejectedQosNotSupportedConnectionClosed()
    {
        var attacker = NextAttacker();
        var before = Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.QosNotSupported);
        await using var device = await Stack.ConnectAsync(attacker);

        try
        {
            await device.PublishRawAsync(EventCodec.Encode(Device.Event(attacker, 1)), Topics.Events(attacker), MqttQualityOfServiceLevel.ExactlyOnce).WaitAsync(Timeout);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            // Expected: closed instead of PUBREC.
        }

        await device.Disconnected.WaitAsync(Timeout);
        await Stack.AssertRejectedAsync(attacker, BrokerRejectReasons.QosNotSupported, before);
        Assert.AreEqual(0, Stack.StoredCount(attacker));
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    [DataRow("unknown", RejectReasons.UnknownDevice, DisplayName = "unknown device")]
    [DataRow("wrong", RejectReasons.BadCredentials, DisplayName = "wrong password")]
    [DataRow("empty", RejectReasons.BadCredentials, DisplayName = "empty password")]
    [DataRow("clientid", RejectReasons.BadCredentials, DisplayName = "client id is not the username")]
    [DataRow("notanid", RejectReasons.UnknownDevice, DisplayName = "username is not a device id")]
    public async Task Connect_BadCredentials_RefusedCountedLogged(string kind, string reason)
    {
        var attacker = NextAttacker();
        var (user, password, clientId) = kind switch
        {
            "unknown" => ("ghost-9999", "whatever", "ghost-9999"),
            "wrong" => (attacker, "not-the-secret", attacker),
            "empty" => (attacker, string.Empty, attacker),
            "clientid" => (attacker, SecurityStack.SecretOf(attacker), "victim-0001"),
            _ => ("../Admin", "x", "../Admin"),
        };
        var before = Stack.Gateway.Metrics.Rejected(reason);

        var (device, result) = await Device.TryConnectAsync(Stack.MqttPort, user, password, clientId: clientId);
        await using (device)
        {
            Assert.AreNotEqual(MqttClientConnectResultCode.Success, result.ResultCode);
        }

        await Stack.AssertRejectedAsync(user, reason, before);
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    [DataRow(new byte[] { 0x47, 0x45, 0x54, 0x20, 0x2F, 0x20, 0x48, 0x54, 0x54, 0x50, 0x2F, 0x31, 0x2E, 0x31, 0x0D, 0x0A, 0x0D, 0x0A }, BrokerRejectReasons.ProtocolError, DisplayName = "HTTP request")]
    [DataRow(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, BrokerRejectReasons.ProtocolError, DisplayName = "invalid remaining length")]
    [DataRow(new byte[] { 0x10, 0x05, 0, 0, 0, 0, 0 }, BrokerRejectReasons.ProtocolError, DisplayName = "short CONNECT")]
    [DataRow(new byte[] { 0x82, 0x02, 0x00, 0x01 }, BrokerRejectReasons.ProtocolError, DisplayName = "SUBSCRIBE before CONNECT")]
    public async Task RawBytes_NotMqtt_ConnectionClosedAndCounted(byte[] garbage, string reason)
    {
        var before = Stack.Gateway.Metrics.Rejected(reason);
        await using var raw = await RawMqtt.OpenAsync(Stack.MqttPort);

        await raw.SendAsync(garbage);

        // ConnectTimeoutSeconds=2 here: a half packet is closed by the timeout, the rest at once.
        Assert.IsTrue(await raw.WaitClosedAsync(Timeout), "closed");
        await Stack.AssertRejectedAsync("127.0.0.1:", reason, before);
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    public async Task Packet_AnnouncingHundredsOfMegabytes_CutAfterHeaderWithoutAllocating()
    {
        var before = Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.PacketTooLarge);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var sockets = new List<RawMqtt>();
        try
        {
            // Eight connections each announcing a 256 MB CONNECT made MQTTnet's own listener allocate 2.1 GB.
            for (var i = 0; i < 8; i++)
            {
                var raw = await RawMqtt.OpenAsync(Stack.MqttPort);
                sockets.Add(raw);
                await raw.SendAsync([0x10, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x04]);
            }

            foreach (var raw in sockets)
            {
                Assert.IsTrue(await raw.WaitClosedAsync(Timeout), "cut after the header");
            }
        }
        finally
        {
            foreach (var raw in sockets)
            {
                await raw.DisposeAsync();
            }
        }

        await Eldercare.TestSupport.Eventually.WaitAsync(() => Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.PacketTooLarge) >= before + 8, Timeout, "8 packet_too_large");
        await Stack.Log.WaitForLineAsync(Timeout, "rejected 127.0.0.1:", BrokerRejectReasons.PacketTooLarge, "bytes announced");
        Assert.IsLessThan(256L * 1024 * 1024, GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore, "no announced body was allocated");
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    public async Task Publish_OneMegabytePayload_RefusedAsPacketTooLargeConnectionClosed()
    {
        var attacker = NextAttacker();
        var before = Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.PacketTooLarge);
        await using var device = await Stack.ConnectAsync(attacker);

        try
        {
            await device.PublishRawAsync(new byte[1024 * 1024], Topics.Events(attacker)).WaitAsync(Timeout);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            // Expected: the gateway cut the connection.
        }

        await device.Disconnected.WaitAsync(Timeout);
        await Stack.AssertRejectedAsync(attacker, BrokerRejectReasons.PacketTooLarge, before);
        Assert.AreEqual(0, Stack.StoredCount(attacker));
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    public async Task Publish_AnotherDevicesEventOnOwnTopicMqtt5_PubAckNotAuthorizedWithReasonThenClosed()
    {
        var attacker = NextAttacker();
        var before = Stack.Gateway.Metrics.Rejected(RejectReasons.DeviceMismatch);
        await using var device = await Stack.ConnectAsync(attacker);

        // Issue 11 item 4: the connection used to be closed without the PUBACK docs/wire-format.md promises.
        var ack = await device.PublishAsync(Device.Event("victim-0001", 1), Topics.Events(attacker)).WaitAsync(Timeout);

        Assert.AreEqual(MqttClientPublishReasonCode.NotAuthorized, ack.ReasonCode);
        Assert.AreEqual(RejectReasons.DeviceMismatch, ack.ReasonString, "MQTT 5 tells the device why");
        await device.Disconnected.WaitAsync(Timeout);
        await Stack.AssertRejectedAsync(attacker, RejectReasons.DeviceMismatch, before);
        Assert.AreEqual(0, Stack.StoredCount("victim-0001"));
        Assert.AreEqual(0, Stack.StoredCount(attacker));
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    public async Task Publish_AnotherDevicesEventOnOwnTopicMqtt311_ClosedWithoutPubAck()
    {
        var attacker = NextAttacker();
        var before = Stack.Gateway.Metrics.Rejected(RejectReasons.DeviceMismatch);
        await using var raw = await ConnectRawAsync(attacker);

        await raw.SendAsync(RawMqtt.Publish(Topics.Events(attacker), EventCodec.Encode(Device.Event("victim-0001", 1)), qos: 1));

        // A 3.1.1 PUBACK has no reason code: a plain one would tell the spoofer "stored".
        Assert.IsNull(await raw.ReadAsync(Timeout), "closed without a PUBACK");
        await Stack.AssertRejectedAsync(attacker, RejectReasons.DeviceMismatch, before);
        Assert.AreEqual(0, Stack.StoredCount("victim-0001"));
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    [DataRow(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, DisplayName = "30 FF FF FF FF 01")]
    [DataRow(new byte[] { 0x30, 0x80, 0x80, 0x80, 0x80, 0x01 }, DisplayName = "30 80 80 80 80 01 (four bytes announcing 0)")]
    public async Task Publish_RemainingLengthOfFiveBytes_ProtocolErrorNotPacketTooLarge(byte[] header)
    {
        var attacker = NextAttacker();
        var before = Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.ProtocolError);
        var tooLargeBefore = Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.PacketTooLarge);
        await using var raw = await ConnectRawAsync(attacker);

        await raw.SendAsync(header);

        // MQTT 5 1.5.5 / 2.1.4: a variable byte integer has at most 4 bytes; it was logged as packet_too_large.
        Assert.IsTrue(await raw.WaitClosedAsync(Timeout), "closed");
        await Stack.AssertRejectedAsync(attacker, BrokerRejectReasons.ProtocolError, before);
        await Stack.Log.WaitForLineAsync(Timeout, "rejected " + attacker + " " + BrokerRejectReasons.ProtocolError, "malformed remaining length");
        Assert.AreEqual(tooLargeBefore, Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.PacketTooLarge), "not counted as packet_too_large");
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    [DataRow(new byte[] { 0x30, 0x80, 0x80, 0x40 }, 1_048_576L, DisplayName = "1 MB")]
    [DataRow(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0x7F }, 268_435_455L, DisplayName = "largest a 4-byte length announces")]
    public async Task Publish_HeaderAnnouncingOverTheLimit_PacketTooLargeWithTheAnnouncedSize(byte[] header, long announced)
    {
        var attacker = NextAttacker();
        var before = Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.PacketTooLarge);
        await using var raw = await ConnectRawAsync(attacker);

        await raw.SendAsync(header);

        Assert.IsTrue(await raw.WaitClosedAsync(Timeout), "cut after the header");
        await Stack.AssertRejectedAsync(attacker, BrokerRejectReasons.PacketTooLarge, before);
        await Stack.Log.WaitForLineAsync(Timeout, BrokerRejectReasons.PacketTooLarge, $"packet of {announced} bytes announced by {attacker}");
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    public async Task Publish_RetainedOnMqtt5_DisconnectRetainNotSupportedNothingStored()
    {
        var attacker = NextAttacker();
        var before = Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.RetainNotSupported);
        await using var device = await Stack.ConnectAsync(attacker);
        var retained = new MqttApplicationMessageBuilder().WithTopic(Topics.Events(attacker)).WithPayload(EventCodec.Encode(Device.Event(attacker, 1)))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag().Build();

        try
        {
            var ack = await device.Client.PublishAsync(retained).WaitAsync(Timeout);
            Assert.Fail($"acknowledged ({ack.ReasonCode}) although the CONNACK said Retain Available 0");
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            // Expected: DISCONNECT instead of PUBACK.
        }

        var disconnected = await device.Disconnected.WaitAsync(Timeout);
        Assert.AreEqual(MqttClientDisconnectReason.RetainNotSupported, disconnected.Reason, "MQTT 5 3.3.1.3: DISCONNECT 0x9A");
        await Stack.AssertRejectedAsync(attacker, BrokerRejectReasons.RetainNotSupported, before);
        Assert.AreEqual(0, Stack.StoredCount(attacker));
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    public async Task Connect_RetainedWillOnMqtt5_ConnAckRetainNotSupported_WillWithoutRetainAccepted()
    {
        var attacker = NextAttacker();
        var before = Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.RetainNotSupported);
        // The will of the firmware's MQTT session (firmware/VirtualDevice/Adapters/MqttNetLink.cs), retained or not.
        MqttClientOptions Options(bool retainWill) => new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", Stack.MqttPort)
            .WithClientId(attacker)
            .WithCredentials(attacker, SecurityStack.SecretOf(attacker))
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithTimeout(Timeout)
            .WithWillTopic(Topics.Status(attacker))
            .WithWillPayload("offline")
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillRetain(retainWill)
            .Build();
        using var refused = new MqttClientFactory().CreateMqttClient();
        using var accepted = new MqttClientFactory().CreateMqttClient();

        var refusal = await refused.ConnectAsync(Options(retainWill: true));
        var acceptance = await accepted.ConnectAsync(Options(retainWill: false));
        var status = await accepted.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Status(attacker)).WithPayload("online")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        Assert.AreEqual(MqttClientConnectResultCode.RetainNotSupported, refusal.ResultCode, "MQTT 5 3.2.2.3.5: CONNACK 0x9A");
        await Stack.AssertRejectedAsync(attacker, BrokerRejectReasons.RetainNotSupported, before);
        Assert.AreEqual(MqttClientConnectResultCode.Success, acceptance.ResultCode);
        Assert.IsFalse(acceptance.RetainAvailable, "the CONNACK says Retain Available 0");
        Assert.AreEqual(MqttClientPublishReasonCode.Success, status.ReasonCode, "a status without retain is the device contract");
        await accepted.DisconnectAsync();
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    public async Task Publish_RetainedOnMqtt311_FlagIgnoredEventStoredAndAcknowledged()
    {
        var attacker = NextAttacker();
        await using var raw = await ConnectRawAsync(attacker);
        var sos = Device.Event(attacker, 1);

        await raw.SendAsync(RawMqtt.Publish(Topics.Events(attacker), EventCodec.Encode(sos), qos: 1, packetId: 7, retain: true));

        // 3.1.1 cannot be told that retain is unavailable; nothing is ever retained or routed, the event is stored.
        CollectionAssert.AreEqual(new byte[] { 0x40, 0x02, 0x00, 0x07 }, await raw.ReadAsync(Timeout), "PUBACK");
        Assert.AreEqual(1, Stack.StoredCount(attacker));
    }

    [TestMethod]
    [DataRow("MQTT", (byte)6, DisplayName = "MQTT level 6")]
    [DataRow("MQTT", (byte)2, DisplayName = "MQTT level 2")]
    [DataRow("MQTT", (byte)3, DisplayName = "MQTT level 3 (3.1 is MQIsdp)")]
    [DataRow("MQIsdp", (byte)4, DisplayName = "MQIsdp level 4")]
    public async Task Connect_UnsupportedProtocolLevel_ConnAck01ThenClosedProtocolError(string protocolName, byte level)
    {
        var attacker = NextAttacker();
        var before = Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.ProtocolError);
        await using var raw = await RawMqtt.OpenAsync(Stack.MqttPort);

        await raw.SendAsync(RawMqtt.Connect(attacker, attacker, SecurityStack.SecretOf(attacker), protocolName, level));

        // MQTT 3.1.1 3.1.2.2: CONNACK return code 0x01 (unacceptable protocol version), then disconnect.
        CollectionAssert.AreEqual(new byte[] { 0x20, 0x02, 0x00, 0x01 }, await raw.ReadAsync(Timeout), "CONNACK 0x01");
        Assert.IsTrue(await raw.WaitClosedAsync(Timeout), "closed");
        await Stack.AssertRejectedAsync("127.0.0.1:", BrokerRejectReasons.ProtocolError, before);
        await Stack.Log.WaitForLineAsync(Timeout, BrokerRejectReasons.ProtocolError, $"'{protocolName}' level {level}");
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    public async Task Connect_FloodFromOneClientMixingSecrets_OnlyFailuresLimitedCountedOthersServed()
    {
        var attacker = NextAttacker();
        var before = Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.ConnectRateLimited);
        var answers = new List<byte?>();

        // Bounded: 60 connect/disconnect cycles from one address of its own (the rest of this class connects from
        // 127.0.0.1), right and wrong passwords alternating. Only the wrong ones count, 5 per device and address here.
        for (var i = 0; i < 60; i++)
        {
            answers.Add(await RawMqtt.TryConnect5Async(Stack.MqttPort, "127.0.0.9", attacker, i % 2 == 0 ? SecurityStack.SecretOf(attacker) : "guess-" + i, Timeout));
        }

        Assert.AreEqual(30, answers.Count(a => a == 0x00), "the right secret is never limited");
        Assert.AreEqual(5, answers.Count(a => a == 0x86), "5 guesses checked");
        Assert.AreEqual(25, answers.Count(a => a == 0x97), "the other guesses refused before hashing");
        Assert.AreEqual(before + 25, Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.ConnectRateLimited));
        await Stack.Log.WaitForLineAsync(Timeout, "rejected " + attacker, BrokerRejectReasons.ConnectRateLimited);
        Assert.AreEqual(1, Stack.Log.Lines.Count(l => l.Contains("rejected " + attacker + " " + BrokerRejectReasons.ConnectRateLimited, StringComparison.Ordinal)), "logged once per window");
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    /// <summary>An MQTT 3.1.1 connection over a bare socket, logged in as <paramref name="device"/>.</summary>
    private static async Task<RawMqtt> ConnectRawAsync(string device)
    {
        var raw = await RawMqtt.OpenAsync(Stack.MqttPort);
        await raw.SendAsync(RawMqtt.Connect(device, device, SecurityStack.SecretOf(device)));
        CollectionAssert.AreEqual(new byte[] { 0x20, 0x02, 0x00, 0x00 }, await raw.ReadAsync(Timeout), "CONNACK accepted");
        return raw;
    }
}
