using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Http.Json;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Commands;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Eldercare.Edge.Tests.Upstream;

/// <summary>
/// The whole JetStream path in one process against one real nats-server: a device's SOS through the gateway's JetStream
/// upstream into the stub's consumer (stored once), an operator's acknowledgement at the stub published on the gateway's
/// feed subject, consumed durably by the gateway and sent to the device as its <c>ack</c> command; one published while the
/// gateway is down arrives after it restarts.
/// </summary>
[TestClass]
[TestCategory("Upstream")]
public sealed class JetStreamAcknowledgementPathTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task SosThroughJetStream_StoredOnce_AckAtTheStub_ReachesTheDevice_AlsoWhenPublishedWhileTheGatewayIsDown()
    {
        await using var nats = await JetStreamUpstreamTests.StartServerAsync();
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0301"],
            [$"--CloudStub:JetStream:Url={nats.Url}", "--CloudStub:JetStream:Replicas=1", "--CloudStub:PrintAlarms=false"],
            ["--Gateway:Upstream:Kind=JetStream", $"--Gateway:Upstream:JetStream:Url={nats.Url}", "--Gateway:Forwarder:GatewayId=gw-31"]);
        await using var device = await CommandClient.ConnectAsync(stack.MqttPort, "pendant-0301");

        var sos = TestEvents.Make("pendant-0301", 1, EventTypes.Sos);
        await device.PublishAsync(sos);
        await device.PublishAsync(TestEvents.Make("pendant-0301", 2, EventTypes.Fall));
        await device.PublishAsync(sos); // a resend: a duplicate at the gateway
        var stored = await stack.WaitForCloudEventsAsync("pendant-0301", 2, Timeout);
        Assert.AreEqual("gw-31", stored[0].Gateway);
        CollectionAssert.AreEqual(new[] { "pendant-0301:1:1", "pendant-0301:1:2" }, stored.Select(e => e.Id).ToArray());

        using var http = new HttpClient { BaseAddress = new Uri(stack.Cloud.Url) };
        (await http.PostAsJsonAsync("/api/v1/acks", new { id = "pendant-0301:1:1", by = "center" })).EnsureSuccessStatusCode();
        var ack = await device.NextCommandAsync(Timeout);
        Assert.AreEqual((CommandNames.Ack, "pendant-0301:1:1", "center"), (ack.Name, ack.Reference, ack.By));

        await Eventually.WaitAsync(() => stack.Gateway.Services.GetService(typeof(JetStreamDownlinkConsumer)) is JetStreamDownlinkConsumer { Handled: 1 }, Timeout,
            "the first acknowledgement acknowledged to the stream");

        // The gateway down: the platform's acknowledgement waits in the stream for the gateway's durable consumer.
        await stack.RestartGatewayAsync(async () =>
            (await http.PostAsJsonAsync("/api/v1/acks", new { id = "pendant-0301:1:2", by = "center" })).EnsureSuccessStatusCode());
        var later = await device.NextCommandAsync(TimeSpan.FromSeconds(40));
        Assert.AreEqual((CommandNames.Ack, "pendant-0301:1:2"), (later.Name, later.Reference));
        await Eventually.WaitAsync(() => stack.Gateway.Services.GetService(typeof(JetStreamDownlinkConsumer)) is JetStreamDownlinkConsumer { Handled: 1 }, Timeout,
            "the restarted gateway handled exactly the one acknowledgement published while it was down");
        Assert.AreEqual(2, (await stack.Cloud.Database.QueryAsync("pendant-0301", null)).Count, "stored once each");
    }

    /// <summary>A device with a persistent session subscribed to its commands (the gateway keeps what it misses while reconnecting).</summary>
    private sealed class CommandClient : IAsyncDisposable
    {
        private readonly BlockingCollection<DeviceCommand> _commands = [];
        private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
        private readonly string _id;
        private volatile bool _disposed;

        private CommandClient(string id) => _id = id;

        public static async Task<CommandClient> ConnectAsync(int port, string id)
        {
            var device = new CommandClient(id);
            device._client.ApplicationMessageReceivedAsync += args =>
            {
                var payload = args.ApplicationMessage.Payload.ToArray();
                var decoded = CommandCodec.Decode(payload, payload.Length);
                Assert.IsTrue(decoded.IsValid, decoded.Reason);
                device._commands.Add(decoded.Command);
                return Task.CompletedTask;
            };
            // Reconnects by itself when the gateway restarts (its session and the queued downlinks are kept).
            device._client.DisconnectedAsync += async args =>
            {
                if (args.ClientWasConnected && !device._disposed)
                {
                    await ReconnectAsync(device._client, port, id);
                }
            };
            await device._client.ConnectAsync(Options(port, id));
            await device._client.SubscribeAsync(Topics.Commands(id), MqttQualityOfServiceLevel.AtLeastOnce);
            return device;
        }

        public Task PublishAsync(DeviceEvent e) =>
            _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Events(_id)).WithPayload(EventCodec.Encode(e)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        public Task<DeviceCommand> NextCommandAsync(TimeSpan timeout) =>
            Task.Run(() => _commands.TryTake(out var command, timeout) ? command : throw new TimeoutException($"no command for {_id} within {timeout.TotalSeconds} s"));

        public async ValueTask DisposeAsync()
        {
            _disposed = true;
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync();
            }

            _client.Dispose();
        }

        private static MqttClientOptions Options(int port, string id) => new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port).WithClientId(id).WithCredentials(id, EdgeStack.SecretOf(id))
            .WithProtocolVersion(MqttProtocolVersion.V311).WithCleanSession(false).WithTimeout(TimeSpan.FromSeconds(10)).Build();

        private static async Task ReconnectAsync(IMqttClient client, int port, string id)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    await client.ConnectAsync(Options(port, id));
                    return;
                }
                catch (Exception exception) when (exception is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
                {
                    await Task.Delay(100);
                }
            }
        }
    }
}
