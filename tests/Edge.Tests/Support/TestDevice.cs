using Eldercare.Edge.Gateway.Broker;
using Eldercare.Firmware.Core.Events;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Eldercare.Edge.Tests.Support;

/// <summary>A bare MQTT device for broker tests (the virtual device is the firmware team's; this one can misbehave on purpose).</summary>
public sealed class TestDevice : IAsyncDisposable
{
    private readonly TaskCompletionSource<MqttClientDisconnectedEventArgs> _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TestDevice(string id, IMqttClient client)
    {
        Id = id;
        Client = client;
        client.DisconnectedAsync += args =>
        {
            _disconnected.TrySetResult(args);
            return Task.CompletedTask;
        };
    }

    public string Id { get; }

    public IMqttClient Client { get; }

    /// <summary>Completes when the broker (or the network) closed the connection.</summary>
    public Task<MqttClientDisconnectedEventArgs> Disconnected => _disconnected.Task;

    public static async Task<(TestDevice Device, MqttClientConnectResult Result)> TryConnectAsync(
        int port, string id, string password, MqttProtocolVersion version = MqttProtocolVersion.V500, string? clientId = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId ?? id)
            .WithCredentials(id, password)
            .WithProtocolVersion(version)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        var device = new TestDevice(id, client);
        // MQTTnet 5 returns a refused CONNACK as a result, not an exception.
        var result = await client.ConnectAsync(options).ConfigureAwait(false);
        return (device, result);
    }

    public static async Task<TestDevice> ConnectAsync(int port, string id, string password, MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        var (device, result) = await TryConnectAsync(port, id, password, version).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            await device.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"{id} could not connect: {result.ResultCode}");
        }

        return device;
    }

    public Task<MqttClientPublishResult> PublishAsync(DeviceEvent e, string? topic = null) =>
        PublishRawAsync(EventCodec.Encode(e), topic ?? TopicAcl.EventsTopic(Id));

    public Task<MqttClientPublishResult> PublishRawAsync(byte[] payload, string topic) =>
        Client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

    public async ValueTask DisposeAsync()
    {
        if (Client.IsConnected)
        {
            try
            {
                await Client.DisconnectAsync(new MqttClientDisconnectOptions()).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Already going away; nothing to clean.
            }
        }

        Client.Dispose();
    }
}
