using Eldercare.Firmware.Core.Events;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Eldercare.TestSupport;

/// <summary>
/// A bare MQTT device for broker tests: it can misbehave on purpose (wrong topics, raw payloads, QoS 2),
/// which the firmware's virtual device never does.
/// </summary>
public sealed class MqttTestDevice : IAsyncDisposable
{
    private readonly TaskCompletionSource<MqttClientDisconnectedEventArgs> _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MqttTestDevice(string id, IMqttClient client)
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

    public static async Task<(MqttTestDevice Device, MqttClientConnectResult Result)> TryConnectAsync(int port, string id, string password,
        MqttProtocolVersion version = MqttProtocolVersion.V500, string? clientId = null, MqttClientTlsOptions? tls = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId ?? id)
            .WithCredentials(id, password)
            .WithProtocolVersion(version)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (tls is not null)
        {
            builder = builder.WithTlsOptions(tls);
        }

        var device = new MqttTestDevice(id, client);
        var result = await client.ConnectAsync(builder.Build()).ConfigureAwait(false);
        return (device, result);
    }

    public static async Task<MqttTestDevice> ConnectAsync(int port, string id, string password, MqttProtocolVersion version = MqttProtocolVersion.V500, MqttClientTlsOptions? tls = null)
    {
        var (device, result) = await TryConnectAsync(port, id, password, version, tls: tls).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            await device.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"{id} could not connect: {result.ResultCode}");
        }

        return device;
    }

    public static DeviceEvent Event(string device, int seq, string type = EventTypes.Sos) =>
        new(device, 1, seq, type, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    public Task<MqttClientPublishResult> PublishAsync(DeviceEvent e, string? topic = null) => PublishRawAsync(EventCodec.Encode(e), topic ?? Topics.Events(Id));

    public Task<MqttClientPublishResult> PublishRawAsync(byte[] payload, string topic, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce) =>
        Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(qos).Build());

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
                // Already closed by the broker.
            }
        }

        Client.Dispose();
    }
}
