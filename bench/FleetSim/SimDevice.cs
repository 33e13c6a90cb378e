using System.Buffers;
using System.Diagnostics;
using Eldercare.Firmware.Core.Events;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// One simulated device: its own MQTT connection and credentials, a boot epoch and a sequence, and
/// events encoded by the firmware's <see cref="EventCodec"/> (wire format v1, same source as the devices).
/// No thread of its own: MQTTnet's client runs on async I/O, so 10,000 of these fit in one process.
/// </summary>
public sealed class SimDevice
{
    private readonly MqttClientFactory _factory;
    private readonly MqttProtocolVersion _protocol;
    private IMqttClient? _client;
    private int _sequence;

    /// <param name="protocol">MQTT 5 for the gateway and mosquitto; 3.1.1 for the peers that speak no 5 (Debian's
    /// RabbitMQ 3.10 and nats-server 2.9).</param>
    public SimDevice(MqttClientFactory factory, string id, string secret, int bootEpoch, MqttProtocolVersion protocol = MqttProtocolVersion.V500)
    {
        _factory = factory;
        _protocol = protocol;
        Id = id;
        Secret = secret;
        BootEpoch = bootEpoch;
        Topic = Topics.Events(id);
    }

    public string Id { get; }

    public string Secret { get; }

    public int BootEpoch { get; private set; }

    public string Topic { get; }

    public bool IsConnected => _client?.IsConnected == true;

    /// <summary>
    /// Set by <see cref="ListenForCommands"/>: the device connects as the firmware does (clean session off, a session
    /// that does not expire), subscribes its commands topic at QoS 1 when the CONNACK says no session was present, and
    /// hands each command to this (its receive time is taken inside, before anything else).
    /// </summary>
    private Action<SimDevice, byte[]>? _onCommand;

    /// <summary>Whether the last CONNACK said the gateway resumed this device's session.</summary>
    public bool SessionPresent { get; private set; }

    /// <summary>
    /// Makes this device a command listener from its next connect on (docs/wire-format.md "Commands": clean session
    /// off, Session Expiry 0xFFFFFFFF, QoS 1 subscription to its own commands topic). The other simulated devices
    /// keep clean sessions: they never get a downlink, and 10,000 stored sessions would only add connect-time fsyncs.
    /// </summary>
    public void ListenForCommands(Action<SimDevice, byte[]> onCommand) => _onCommand = onCommand;

    public async Task ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        _client?.Dispose();
        _client = _factory.CreateMqttClient();
        var listener = _onCommand;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(Id)
            .WithCredentials(Id, Secret)
            .WithProtocolVersion(_protocol)
            .WithCleanStart(listener is null)
            // Heartbeats keep the link busy; a long keep-alive avoids 10,000 PINGREQ timers doing nothing useful.
            .WithKeepAlivePeriod(TimeSpan.FromMinutes(5))
            // A connect storm queues behind the gateway's PBKDF2 slots: wait for it rather than fail.
            .WithTimeout(TimeSpan.FromSeconds(120));
        if (listener is not null)
        {
            // The firmware's session: one that does not expire (the gateway caps it at MaxSessionExpirySeconds).
            builder = builder.WithSessionExpiryInterval(uint.MaxValue);
            var client = _client;
            client.ApplicationMessageReceivedAsync += e =>
            {
                var payload = e.ApplicationMessage.Payload.ToArray();
                listener(this, payload);
                return Task.CompletedTask; // MQTTnet sends the PUBACK when the handler returns
            };
        }

        var result = await _client.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"{Id}: CONNACK {result.ResultCode} {result.ReasonString}");
        }

        SessionPresent = result.IsSessionPresent;
        if (listener is not null && !result.IsSessionPresent)
        {
            var subscribe = _factory.CreateSubscribeOptionsBuilder()
                .WithTopicFilter(Topics.Commands(Id), MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            var granted = await _client.SubscribeAsync(subscribe, cancellationToken).ConfigureAwait(false);
            var code = granted.Items.First().ResultCode;
            if (code != MqttClientSubscribeResultCode.GrantedQoS1)
            {
                throw new InvalidOperationException($"{Id}: SUBACK {code} for its commands topic");
            }
        }
    }

    /// <summary>Drops the connection the way a power cut looks from the device side after it comes back: a new boot epoch.</summary>
    public async Task DisconnectAsync()
    {
        var client = _client;
        _client = null;
        if (client is not null)
        {
            try
            {
                await client.DisconnectAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
            {
                // already gone
            }

            client.Dispose();
        }
    }

    /// <summary>Builds the next event of this device (sequence +1) stamped with <paramref name="unixMilliseconds"/>.</summary>
    public byte[] NextEvent(string type, long unixMilliseconds, out string id)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        var deviceEvent = new DeviceEvent(Id, BootEpoch, sequence, type, unixMilliseconds) { BatteryPercent = 87 };
        id = deviceEvent.Id;
        return EventCodec.Encode(deviceEvent);
    }

    /// <summary>QoS 1 publish; true when the PUBACK said success (the gateway stored it).</summary>
    public async Task<bool> PublishAsync(byte[] payload, CancellationToken cancellationToken)
    {
        var client = _client ?? throw new InvalidOperationException($"{Id} is not connected");
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var result = await client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        // NoMatchingSubscribers is success for a broker without a subscriber yet (mosquitto, MQTT 5).
        return result.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers;
    }

    /// <summary>Starts a new boot epoch (sequence restarts at 1), as the firmware does after every start.</summary>
    public void Reboot()
    {
        BootEpoch++;
        _sequence = 0;
    }

    internal static long Timestamp() => Stopwatch.GetTimestamp();
}
