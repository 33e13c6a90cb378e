using System.Text;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Eldercare.VirtualDevice.Adapters;

/// <summary>Where and how a virtual device connects.</summary>
public sealed record MqttLinkOptions(string Host, int Port, string DeviceId, string Secret)
{
    public MqttProtocolVersion ProtocolVersion { get; init; } = MqttProtocolVersion.V311;

    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// The device's MQTT session over MQTTnet: its own credentials, a last will "offline" on its
/// status topic, reconnect with capped backoff, a persistent session (clean session off; MQTT 5 with a session
/// that does not expire) subscribed to its command topic at QoS 1, so downlinks sent while it was away arrive
/// when it returns. The same role as the M2Mqtt adapter on the
/// ESP32; the core sees only <see cref="IMqttLink"/>. Status and will are not retained: the
/// embedded broker tells MQTT 5 clients Retain Available 0 and refuses a retained publish or
/// will (docs/wire-format.md), and no client may subscribe to a status topic anyway.
/// </summary>
public sealed class MqttNetLink : IMqttLink, IAsyncDisposable
{
    private readonly MqttLinkOptions _options;
    private readonly IMqttClient _client;
    private readonly CancellationTokenSource _stop = new();
    private Task? _connectLoop;
    private bool _aborted;

    public MqttNetLink(MqttLinkOptions options)
    {
        _options = options;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            // MQTTnet acknowledges a QoS 1 message when this handler returns, as M2Mqtt does on the device.
            MessageReceived?.Invoke(this, e.ApplicationMessage.Topic, System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload));
            return Task.CompletedTask;
        };
    }

    public event PublishCompletedEventHandler? PublishCompleted;

    public event MessageReceivedEventHandler? MessageReceived;

    /// <summary>Raised with a reason when a connect attempt fails (bad credentials, broker down).</summary>
    public event Action<string>? ConnectFailed;

    public bool IsConnected => _client.IsConnected;

    public int ConnectCount { get; private set; }

    /// <summary>Starts connecting in the background; reconnects whenever the link drops.</summary>
    public void Start() => _connectLoop ??= Task.Run(() => ConnectLoopAsync(_stop.Token));

    public bool Publish(string topic, byte[] payload, int token)
    {
        if (!_client.IsConnected)
        {
            return false;
        }

        MqttApplicationMessage message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        _ = PublishAsync(message, token);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_aborted)
        {
            return;
        }

        await _stop.CancelAsync();
        if (_connectLoop is not null)
        {
            try
            {
                await _connectLoop;
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync();
            }
            catch (Exception)
            {
                // Shutting down: the broker will see the last will, as on a real power-off.
            }
        }

        _client.Dispose();
        _stop.Dispose();
    }

    /// <summary>Drops the TCP connection without a DISCONNECT packet, as a dead battery would. The link is dead afterwards.</summary>
    public void Abort()
    {
        _aborted = true;
        _stop.Cancel();
        _client.Dispose();
    }

    private async Task PublishAsync(MqttApplicationMessage message, int token)
    {
        bool acknowledged;
        try
        {
            MqttClientPublishResult result = await _client.PublishAsync(message, _stop.Token);
            acknowledged = result.IsSuccess;
        }
        catch (Exception)
        {
            // Link dropped or timed out: the outbox keeps the event and sends it again.
            acknowledged = false;
        }

        PublishCompleted?.Invoke(this, token, acknowledged);
    }

    private async Task ConnectLoopAsync(CancellationToken stop)
    {
        TimeSpan delay = TimeSpan.FromMilliseconds(100);
        while (!stop.IsCancellationRequested)
        {
            if (_client.IsConnected)
            {
                delay = TimeSpan.FromMilliseconds(100);
                await Task.Delay(TimeSpan.FromMilliseconds(200), stop);
                continue;
            }

            try
            {
                MqttClientConnectResult result = await _client.ConnectAsync(BuildOptions(), stop);
                if (result.ResultCode == MqttClientConnectResultCode.Success)
                {
                    ConnectCount++;
                    if (!result.IsSessionPresent)
                    {
                        // A new session (first connect, or the gateway lost it): subscribe again. With a session
                        // present the subscription and any downlinks queued meanwhile are already there.
                        await _client.SubscribeAsync(
                            new MqttClientSubscribeOptionsBuilder()
                                .WithTopicFilter(Topics.Commands(_options.DeviceId), MqttQualityOfServiceLevel.AtLeastOnce)
                                .Build(),
                            stop);
                    }

                    await _client.PublishAsync(
                        new MqttApplicationMessageBuilder()
                            .WithTopic(Topics.Status(_options.DeviceId))
                            .WithPayload("online")
                            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                            .Build(),
                        stop);
                    continue;
                }

                ConnectFailed?.Invoke(result.ResultCode.ToString());
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                ConnectFailed?.Invoke(ex.GetBaseException().Message);
            }

            await Task.Delay(delay, stop);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, _options.MaxReconnectDelay.TotalMilliseconds));
        }
    }

    private MqttClientOptions BuildOptions() =>
        new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithClientId(_options.DeviceId)
            .WithCredentials(_options.DeviceId, Encoding.UTF8.GetBytes(_options.Secret))
            .WithProtocolVersion(_options.ProtocolVersion)
            .WithCleanSession(false)
            .WithSessionExpiryInterval(_options.ProtocolVersion == MqttProtocolVersion.V500 ? uint.MaxValue : 0)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(TimeSpan.FromSeconds(5))
            .WithWillTopic(Topics.Status(_options.DeviceId))
            .WithWillPayload("offline")
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
}
