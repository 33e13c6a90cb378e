using Eldercare.Firmware.Core.Events;
using Eldercare.Security.Tests.Support;
using MQTTnet;

namespace Eldercare.Security.Tests.BadInput;

/// <summary>
/// Every hostile payload of <see cref="HostileInputs"/>, published for real on the attacker's own events topic,
/// through the embedded broker and through mosquitto. For each: the gateway's counter for the expected reason
/// goes up, a log line names the device and the reason, nothing of the attacker is stored or forwarded, and
/// the well-behaved device's SOS still reaches the cloud.
/// </summary>
public abstract class PayloadCorpusTestsBase
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private int _attacker;

    protected abstract SecurityStack Stack { get; }

    protected async Task PublishHostileAsync(string name, string reason)
    {
        var attacker = $"attacker-{Interlocked.Increment(ref _attacker):d4}";
        var before = Stack.Gateway.Metrics.Rejected(reason);
        await using var device = await Device.ConnectAsync(Stack.MqttPort, attacker, SecurityStack.SecretOf(attacker));

        var ack = await device.PublishRawAsync(HostileInputs.Make(name, attacker, 7), Topics.Events(attacker)).WaitAsync(Timeout);

        if (Stack.IsMosquitto)
        {
            // mosquitto acknowledged it before the gateway saw it (edge/README.md, external mode).
            Assert.IsTrue(ack.IsSuccess, ack.ReasonCode.ToString());
        }
        else
        {
            Assert.AreEqual(MqttClientPublishReasonCode.PayloadFormatInvalid, ack.ReasonCode, name);
            Assert.AreEqual(reason, ack.ReasonString, "MQTT 5 tells the device why");
            Assert.IsTrue(device.Client.IsConnected, "a bad payload is not a reason to disconnect");
        }

        await Stack.AssertRejectedAsync(attacker, reason, before);
        await Stack.AssertGoodAlarmArrivesAsync();
        Assert.AreEqual(0, Stack.StoredCount(attacker), "nothing of the attacker stored");
        Assert.AreEqual(0, await Stack.CloudCountAsync(attacker), "nothing of the attacker forwarded");
    }

    protected static IEnumerable<string> Attackers => Enumerable.Range(1, 40).Select(i => $"attacker-{i:d4}");
}

[TestClass]
[TestCategory("Security")]
public sealed class EmbeddedPayloadCorpusTests : PayloadCorpusTestsBase
{
    private static SecurityStack? _stack;

    protected override SecurityStack Stack => _stack!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) => _stack = await SecurityStack.StartAsync(mosquitto: false, Attackers);

    [ClassCleanup]
    public static async Task StopAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    [TestMethod]
    [DynamicData(nameof(HostileInputs.Payloads), typeof(HostileInputs))]
    public Task Publish_HostilePayload_RejectedWithReasonNothingStoredOthersServed(string name, string reason) => PublishHostileAsync(name, reason);
}

[TestClass]
[TestCategory("Security")]
public sealed class MosquittoPayloadCorpusTests : PayloadCorpusTestsBase
{
    private static SecurityStack? _stack;

    protected override SecurityStack Stack => _stack!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) => _stack = await SecurityStack.StartAsync(mosquitto: true, Attackers);

    [ClassCleanup]
    public static async Task StopAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    [TestMethod]
    [DynamicData(nameof(HostileInputs.Payloads), typeof(HostileInputs))]
    public Task Publish_HostilePayload_RejectedWithReasonNothingStoredOthersServed(string name, string reason) => PublishHostileAsync(name, reason);
}
