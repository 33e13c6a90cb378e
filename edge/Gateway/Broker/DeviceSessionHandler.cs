using System.Collections.Concurrent;
using System.Text;
using Eldercare.Edge.Gateway.Broker.Sessions;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Health;
using Eldercare.Edge.Gateway.Ingest;
using Microsoft.Extensions.Logging;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// The gateway's side of every device connection (<see cref="IDeviceSessionHandler"/>): the login through
/// <see cref="DevicePolicy"/>, the take-over of a client id, the session (<see cref="DeviceSessions"/>: Session
/// Present, subscriptions, downlinks and their PUBACKs), storing events, and the record of every refusal.
/// </summary>
internal sealed class DeviceSessionHandler : IDeviceSessionHandler
{
    private readonly MqttOptions _options;
    private readonly DevicePolicy _policy;
    private readonly DeviceSessions _sessions;
    private readonly EventIngestor _ingestor;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationToken _stopping;
    private readonly IDeviceActivity _activity;
    private readonly ConcurrentDictionary<string, DeviceConnection> _byClientId = new(StringComparer.Ordinal);

    /// <param name="activity">Device health: connects, events and closes with or without DISCONNECT (the last will).</param>
    public DeviceSessionHandler(MqttOptions options, DevicePolicy policy, DeviceSessions sessions, EventIngestor ingestor, ILogger logger, TimeProvider time, IDeviceActivity activity, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(activity);
        _activity = activity;
        _options = options;
        _policy = policy;
        _sessions = sessions;
        _ingestor = ingestor;
        _logger = logger;
        _time = time;
        _stopping = stopping;
        Limits = new ListenerLimits(options.MaxPacketBytes, TimeSpan.FromSeconds(options.ConnectTimeoutSeconds));
    }

    public long NowMilliseconds => _time.GetTimestamp() * 1000 / _time.TimestampFrequency;

    public ListenerLimits Limits { get; }

    /// <summary>Connections logged in now, one per client id (= device id).</summary>
    public ICollection<DeviceConnection> LoggedIn => _byClientId.Values;

    public void Reject(string who, string reason, string detail) => _ingestor.ReportRejected(who, reason, detail);

    public void KeepAliveExpired(DeviceConnection connection) =>
        _logger.LogInformation("{Device}: no packet within 1.5 keep alive periods, connection closed", connection.DeviceId);

    public async ValueTask<ConnectDecision> ConnectAsync(DeviceConnection connection, MqttConnectPacket connect)
    {
        var reason = await ValidateAsync(connection, connect).ConfigureAwait(false);
        if (reason != MqttConnectReasonCode.Success)
        {
            return new ConnectDecision(reason, false, null);
        }

        connection.LogIn(connect);
        DeviceConnection? previous = null;
        _byClientId.AddOrUpdate(connection.ClientId!, connection, (_, old) =>
        {
            previous = old;
            return connection;
        });

        // The session moves to the new connection before the old one is closed, so the old one's close finds the session
        // no longer its own and cannot end it (a session with expiry 0 would end with its connection).
        var (expiry, announced) = SessionExpiry(connect, connection.ProtocolVersion);
        var present = _sessions.Attach(connection, cleanStart: connect.CleanSession, expiry);

        // MQTT 3.1.4-3: a second connection with the same client id takes over; the first is closed.
        if (previous is not null && !ReferenceEquals(previous, connection))
        {
            previous.Abort();
        }
        _policy.Connected(connection.DeviceId!);
        _activity.Connected(connection.DeviceId!);
        return new ConnectDecision(reason, present, announced);
    }

    public ValueTask<PublishDecision> PublishAsync(DeviceConnection connection, MqttPublishPacket publish, byte[] payload)
    {
        if (publish.TopicAlias != 0 && publish.QualityOfServiceLevel != MqttQualityOfServiceLevel.ExactlyOnce)
        {
            // CONNACK said Topic Alias Maximum 0 (MQTT 5 3.3.2.3.4: an alias above it is a protocol error).
            Reject(connection.DeviceId!, BrokerRejectReasons.ProtocolError, "topic alias used, none allowed: connection closed");
            return ValueTask.FromResult(new PublishDecision(MqttPubAckReasonCode.ImplementationSpecificError, null, true));
        }

        if (TopicAcl.ClassifyPublish(connection.DeviceId!, publish.Topic) == TopicKind.Events)
        {
            // Anything on its own events topic shows the device alive (even an event refused for its content).
            _activity.EventReceived(connection.DeviceId!);
        }

        return _policy.PublishAsync(connection.DeviceId!, publish.Topic, publish.QualityOfServiceLevel, payload, _stopping);
    }

    public async Task SubscribeAsync(DeviceConnection connection, MqttSubscribePacket subscribe)
    {
        var deviceId = connection.DeviceId!;
        var codes = new List<MqttSubscribeReasonCode>(subscribe.TopicFilters.Count);
        var granted = false;
        foreach (var filter in subscribe.TopicFilters)
        {
            if (!_policy.MaySubscribe(deviceId, filter.Topic))
            {
                codes.Add(MqttSubscribeReasonCode.NotAuthorized);
            }
            else if (filter.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce)
            {
                // Downlinks are QoS 1 only (docs/wire-format.md): a QoS 0 grant would make them fire-and-forget, and a
                // server may not grant more than asked (MQTT 3.1.1 3.9.3). Refused, so the device learns it at once.
                Reject(deviceId, BrokerRejectReasons.QosNotSupported, "subscription to its commands at QoS 0: downlinks are QoS 1 only");
                codes.Add(MqttSubscribeReasonCode.ImplementationSpecificError);
            }
            else
            {
                // Granted QoS 1 (what the CONNACK announced as maximum), also for a QoS 2 request.
                codes.Add(MqttSubscribeReasonCode.GrantedQoS1);
                granted = true;
            }
        }

        await connection.SendAsync(new MqttSubAckPacket { PacketIdentifier = subscribe.PacketIdentifier, ReasonCodes = codes }).ConfigureAwait(false);
        if (granted)
        {
            // After the SUBACK: the first downlink it lets through follows it on the wire.
            _sessions.Subscribe(connection);
        }
    }

    public async Task UnsubscribeAsync(DeviceConnection connection, MqttUnsubscribePacket unsubscribe)
    {
        if (unsubscribe.TopicFilters.Any(filter => TopicAcl.MaySubscribe(connection.DeviceId!, filter)))
        {
            _sessions.Unsubscribe(connection);
        }

        await connection.SendAsync(new MqttUnsubAckPacket
        {
            PacketIdentifier = unsubscribe.PacketIdentifier,
            ReasonCodes = unsubscribe.TopicFilters.Select(_ => MqttUnsubscribeReasonCode.Success).ToList(),
        }).ConfigureAwait(false);
    }

    public void Disconnecting(DeviceConnection connection, MqttDisconnectPacket disconnect)
    {
        // MQTTnet reads an absent Session Expiry Interval as 0, so only a non-zero one is told apart from the CONNECT's.
        if (connection.ProtocolVersion != MqttProtocolVersion.V500 || disconnect.SessionExpiryInterval == 0 || connection.DeviceId is null)
        {
            return;
        }

        var expiry = Math.Min(disconnect.SessionExpiryInterval, _options.MaxSessionExpirySeconds);
        if (!_sessions.SetExpiryAtDisconnect(connection, expiry))
        {
            Reject(connection.DeviceId, BrokerRejectReasons.ProtocolError, "DISCONNECT with a Session Expiry Interval after a CONNECT with 0 (MQTT 5 3.14.2.2.2): the session still ends with the connection");
        }
    }

    public void Acknowledged(DeviceConnection connection, MqttPubAckPacket pubAck)
    {
        if (!_sessions.Acknowledge(connection, pubAck.PacketIdentifier, pubAck.ReasonCode))
        {
            // MQTT allows nothing here but a PUBACK of a downlink in flight; a stray one changes nothing and is noted.
            _logger.LogDebug("{Device}: PUBACK {PacketId} matches no downlink in flight, ignored", connection.DeviceId, pubAck.PacketIdentifier);
        }
    }

    public void Closed(DeviceConnection connection)
    {
        if (connection.ClientId is null)
        {
            return;
        }

        var current = _byClientId.TryRemove(new KeyValuePair<string, DeviceConnection>(connection.ClientId, connection));
        // Not when a newer connection took the client id over (the device is here), nor when the gateway itself stops
        // (every device loses its link; the next run's start-up grace covers it).
        if (current && connection.DeviceId is { } deviceId && !_stopping.IsCancellationRequested)
        {
            if (connection.ClosedByDisconnect)
            {
                _activity.Disconnected(deviceId);
            }
            else
            {
                _activity.ConnectionLost(deviceId);
            }
        }

        try
        {
            _sessions.Detach(connection);
        }
        catch (Exception exception) when (exception is Microsoft.Data.Sqlite.SqliteException or ObjectDisposedException)
        {
            // Only the disconnect time (or a clean session's discard) was being written: the session stays as stored,
            // and a clean one's rows are discarded at the next start. Nothing a device was promised is lost.
            _logger.LogError("{Device}: session not updated at disconnect: {Error}", connection.DeviceId, exception.Message);
        }
    }

    /// <summary>
    /// How long the session is to outlive this connection, and what MQTT 5's CONNACK must say when it is less than asked.
    /// MQTT 3.1.1 clean session 0 keeps the session without a limit of its own: the gateway's cap applies (an
    /// administrator's choice the spec leaves open); clean session 1 keeps it for the connection only. MQTT 5: the
    /// Session Expiry Interval as sent (absent = 0: the session ends with the connection, 3.1.2.11.2), cut to the cap.
    /// </summary>
    private (long Expiry, uint? Announced) SessionExpiry(MqttConnectPacket connect, MqttProtocolVersion version)
    {
        var cap = _options.MaxSessionExpirySeconds;
        if (version != MqttProtocolVersion.V500)
        {
            return (connect.CleanSession ? 0 : cap, null);
        }

        return connect.SessionExpiryInterval > cap ? (cap, (uint)cap) : (connect.SessionExpiryInterval, null);
    }

    private async ValueTask<MqttConnectReasonCode> ValidateAsync(DeviceConnection connection, MqttConnectPacket connect)
    {
        var password = connect.Password is null ? null : Encoding.UTF8.GetString(connect.Password);
        var reason = await _policy.ValidateConnectAsync(connect.ClientId, connect.Username, password, connection.Remote, _stopping).ConfigureAwait(false);
        if (reason != MqttConnectReasonCode.Success)
        {
            return reason;
        }

        if (string.IsNullOrEmpty(connect.ClientId))
        {
            return MqttConnectReasonCode.ClientIdentifierNotValid;
        }

        if (connect.WillFlag && connect.WillRetain && connection.ProtocolVersion == MqttProtocolVersion.V500)
        {
            // MQTT 5 3.2.2.3.5: with Retain Available 0 a CONNECT whose will is retained is refused with CONNACK 0x9A.
            // Checked after the login, so the log names the device (and a reconnect loop meets the connect limit).
            Reject(connect.Username!, BrokerRejectReasons.RetainNotSupported, "CONNECT with a retained will while Retain Available is 0: CONNACK 0x9A");
            return MqttConnectReasonCode.RetainNotSupported;
        }

        return reason;
    }
}
