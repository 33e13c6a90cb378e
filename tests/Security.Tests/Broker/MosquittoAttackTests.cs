using Eldercare.Firmware.Core.Events;
using Eldercare.Security.Tests.Support;
using Eldercare.TestSupport;
using MQTTnet;
using MQTTnet.Protocol;

namespace Eldercare.Security.Tests.Broker;

/// <summary>
/// The same attacks on the external broker: mosquitto with the project's ACL and the shipped limits
/// (max_qos 1, max_packet_size 16384). mosquitto decides and logs; the gateway must store nothing of it and
/// keep serving the good device.
/// </summary>
[TestClass]
[TestCategory("Security")]
public sealed class MosquittoAttackTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private static SecurityStack? _stack;
    private static int _next;

    private static SecurityStack Stack => _stack!;

    private static string NextAttacker() => $"mintruder-{Interlocked.Increment(ref _next):d4}";

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) =>
        _stack = await SecurityStack.StartAsync(true, Enumerable.Range(1, 30).Select(i => $"mintruder-{i:d4}").Append("victim-0001"));

    [ClassCleanup]
    public static async Task StopAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    [TestMethod]
    [DataRow(Topics.Root + Topics.AnyDevice + Topics.CommandsSuffix)]
    [DataRow(Topics.Root + "victim-0001" + Topics.CommandsSuffix)]
    [DataRow(Topics.Root + Topics.AnyDevice + Topics.EventsSuffix)]
    [DataRow("#")]
    public async Task Subscribe_ForeignFilter_RefusedByMosquittoAcl(string filter)
    {
        var attacker = NextAttacker();
        await using var device = await Stack.ConnectAsync(attacker);

        var result = await device.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());

        // mosquitto 2.0 grants the subscription but its ACL never delivers a foreign message (checked on read);
        // prove no victim message arrives while the victim publishes.
        var received = 0;
        device.Client.ApplicationMessageReceivedAsync += _ =>
        {
            Interlocked.Increment(ref received);
            return Task.CompletedTask;
        };
        await using var victim = await Stack.ConnectAsync("victim-0001");
        await victim.PublishAsync(Device.Event("victim-0001", Random.Shared.Next(1, 1_000_000)));
        await Stack.AssertGoodAlarmArrivesAsync();
        Assert.AreEqual(0, received, $"subscription result {result.Items.Single().ResultCode} delivered foreign messages");
    }

    [TestMethod]
    [DataRow(Topics.Root + "victim-0001" + Topics.EventsSuffix)]
    [DataRow(Topics.Root + "{self}" + Topics.CommandsSuffix)]
    [DataRow(Topics.Root + "{self}" + Topics.EventsSuffix + "/extra")]
    public async Task Publish_ForeignTopic_DeniedNothingStored(string topic)
    {
        var attacker = NextAttacker();
        topic = topic.Replace("{self}", attacker, StringComparison.Ordinal);
        var victimBefore = Stack.StoredCount("victim-0001");
        await using var device = await Stack.ConnectAsync(attacker);

        var ack = await device.PublishRawAsync(EventCodec.Encode(Device.Event("victim-0001", 1)), topic);

        Assert.AreEqual(MqttClientPublishReasonCode.NotAuthorized, ack.ReasonCode);
        await Stack.AssertGoodAlarmArrivesAsync();
        Assert.AreEqual(victimBefore, Stack.StoredCount("victim-0001"));
        Assert.AreEqual(0, Stack.StoredCount(attacker));
    }

    [TestMethod]
    public async Task Publish_Qos2_RefusedByMaxQosNothingStored()
    {
        var attacker = NextAttacker();
        await using var raw = await RawMqtt.OpenAsync(Stack.MqttPort);
        await raw.SendAsync(RawMqtt.Connect(attacker, attacker, SecurityStack.SecretOf(attacker)));
        Assert.IsNotNull(await raw.ReadAsync(Timeout));

        await raw.SendAsync(RawMqtt.Publish(Topics.Events(attacker), EventCodec.Encode(Device.Event(attacker, 1)), qos: 2));

        Assert.IsTrue(await raw.WaitClosedAsync(Timeout), "mosquitto closes a 3.1.1 client that exceeds max_qos");
        await Stack.AssertGoodAlarmArrivesAsync();
        Assert.AreEqual(0, Stack.StoredCount(attacker));
    }

    [TestMethod]
    public async Task Publish_OneMegabyte_ConnectionClosedByMaxPacketSize()
    {
        var attacker = NextAttacker();
        await using var device = await Stack.ConnectAsync(attacker);
        try
        {
            await device.PublishRawAsync(new byte[1024 * 1024], Topics.Events(attacker)).WaitAsync(Timeout);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            // Expected.
        }

        await device.Disconnected.WaitAsync(Timeout);
        await Stack.AssertGoodAlarmArrivesAsync();
        Assert.AreEqual(0, Stack.StoredCount(attacker));
    }

    [TestMethod]
    [DataRow("wrong")]
    [DataRow("empty")]
    [DataRow("unknown")]
    public async Task Connect_BadCredentials_RefusedByMosquitto(string kind)
    {
        var attacker = NextAttacker();
        var (user, password) = kind switch { "wrong" => (attacker, "nope"), "empty" => (attacker, string.Empty), _ => ("ghost-0404", "x") };

        var (device, result) = await Device.TryConnectAsync(Stack.MqttPort, user, password);
        await using (device)
        {
            // mosquitto refuses in CONNACK; its own log line goes to its log_dest (stdout is block-buffered when
            // piped, so the test does not wait on it).
            Assert.IsTrue(result.ResultCode is MqttClientConnectResultCode.NotAuthorized or MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode.ToString());
        }

        await Stack.AssertGoodAlarmArrivesAsync();
    }
}
