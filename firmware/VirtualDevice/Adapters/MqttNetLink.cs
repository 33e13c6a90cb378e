// Size (~325 lines): one MQTT session's life on the host (connect loop, radio switched by the schedule with its modelled delays, publishes, downlinks, clean and abrupt ends); the delays live in RadioDelays.cs.
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

    /// <summary>
    /// Null: the link is always up (kiosk, mains). Set: the radio is switched by the core's radio schedule through
    /// <see cref="IRadioPower"/>, and each power-up waits these modelled delays before the MQTT connect.
    /// </summary>
    public RadioDelays? Radio { get; init; }
}

/// <summary>
/// The device's MQTT session over MQTTnet: its own credentials, a last will "offline" on its
/// status topic, reconnect with capped backoff, a persistent session (clean session off; MQTT 5 with a session
/// that does not expire) subscribed to its command topic at QoS 1, so downlinks sent while it was away arrive
/// when it returns. The same role as the M2Mqtt adapter on the
/// ESP32; the core sees only <see cref="IMqttLink"/>. Status and will are not retained: the
/// embedded broker tells MQTT 5 clients Retain Available 0 and refuses a retained publish or
/// will (docs/wire-format.md), and no client may subscribe to a status topic anyway.
/// With <see cref="MqttLinkOptions.Radio"/> the radio is switched by the core (<see cref="IRadioPower"/>): off ends the
/// session with a DISCONNECT (no last will; the gateway keeps the session and its downlinks), on waits the modelled
/// wake, association and DHCP, then the modelled MQTT connect, then connects.
/// </summary>
public sealed class MqttNetLink : IMqttLink, IRadioPower, IAsyncDisposable
{
    private readonly MqttLinkOptions _options;
    private readonly IMqttClient _client;
    private readonly CancellationTokenSource _stop = new();
    private Task? _connectLoop;
    private bool _aborted;
    private volatile bool _wanted;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _radioOnSinceTicks;
    private long _radioOnTicks;

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

    /// <summary>Clean disconnects by the radio schedule.</summary>
    public int RadioOffCount { get; private set; }

    /// <summary>Whether the radio is powered now (always true without <see cref="MqttLinkOptions.Radio"/> once started).</summary>
    public bool RadioOn { get; private set; }

    /// <summary>Time the radio was powered (modelled wake and association included), since start.</summary>
    public TimeSpan RadioOnTime
    {
        get
        {
            long ticks = Interlocked.Read(ref _radioOnTicks);
            long since = Interlocked.Read(ref _radioOnSinceTicks);
            return TimeSpan.FromTicks(ticks + (RadioOn && since != 0 ? System.Diagnostics.Stopwatch.GetElapsedTime(since).Ticks : 0));
        }
    }

    /// <summary>The core's radio schedule: on brings the link up (after the modelled delays), off ends it cleanly.</summary>
    public void SetWanted(bool on)
    {
        if (_wanted == on)
        {
            return;
        }

        _wanted = on;
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

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
        _wake.Dispose();
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
        RadioDelays? radio = _options.Radio;
        if (radio is null)
        {
            SetRadio(true);
        }

        while (!stop.IsCancellationRequested)
        {
            if (radio is not null && !_wanted)
            {
                if (_client.IsConnected)
                {
                    await DisconnectQuietlyAsync();
                }

                SetRadio(false);
                await _wake.WaitAsync(TimeSpan.FromMilliseconds(200), stop);
                continue;
            }

            if (_client.IsConnected)
            {
                delay = TimeSpan.FromMilliseconds(100);
                await _wake.WaitAsync(TimeSpan.FromMilliseconds(200), stop);
                continue;
            }

            try
            {
                if (radio is not null)
                {
                    if (!RadioOn)
                    {
                        SetRadio(true);
                        await Task.Delay(radio.NetworkMilliseconds, stop);
                    }

                    await Task.Delay(radio.MqttConnectMilliseconds, stop);
                }

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

    private void SetRadio(bool on)
    {
        if (on == RadioOn)
        {
            return;
        }

        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (on)
        {
            Interlocked.Exchange(ref _radioOnSinceTicks, now);
        }
        else
        {
            Interlocked.Add(ref _radioOnTicks, System.Diagnostics.Stopwatch.GetElapsedTime(Interlocked.Read(ref _radioOnSinceTicks)).Ticks);
        }

        RadioOn = on;
    }

    private async Task DisconnectQuietlyAsync()
    {
        try
        {
            // A DISCONNECT: the broker drops the will and keeps the persistent session (and the downlinks meanwhile).
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build());
            RadioOffCount++;
        }
        catch (Exception ex)
        {
            ConnectFailed?.Invoke("disconnect: " + ex.GetBaseException().Message);
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
