using System.Buffers;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Firmware.Core.Events;
using Microsoft.Extensions.Logging;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Eldercare.Edge.Gateway.Broker.Sessions;

/// <summary>
/// The QoS 1 downlinks of the device sessions (<see cref="DeviceSessions"/> owns the sessions and their life):
/// enqueue (durable before it answers), delivery, PUBACK.
/// <para>
/// One downlink in flight per device. The next is sent only after the PUBACK of the one before, so the order of
/// <see cref="EnqueueAsync"/> holds across reconnects and restarts with no resend window to reorder (MQTT 3.1.1 4.6
/// asks resends in the original order), and any MQTT 5 Receive Maximum is respected. Downlinks are rare (an
/// acknowledgement per alarm, a configuration change now and then): a window would buy no throughput worth having,
/// only reordering cases. A downlink not acknowledged on one connection is resent first on the next, with DUP and
/// the same packet identifier (derived from its store sequence, so nothing has to be written to remember it).
/// </para>
/// </summary>
public sealed class DownlinkQueue : IDownlinks
{
    /// <summary>Largest downlink payload, as for an event (docs/wire-format.md): a pendant's MQTT buffer is small.</summary>
    public const int MaxPayloadBytes = 1024;

    private readonly SessionStore _store;
    private readonly Func<string, DeviceSession?> _lookup;
    private readonly Func<string, bool> _isRegistered;
    private readonly int _maxQueued;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private long _queuedTotal;

    internal DownlinkQueue(SessionStore store, Func<string, DeviceSession?> lookup, Func<string, bool> isRegistered, int maxQueuedPerDevice, GatewayMetrics metrics, ILogger logger, TimeProvider time)
    {
        _store = store;
        _lookup = lookup;
        _isRegistered = isRegistered;
        _maxQueued = maxQueuedPerDevice;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        metrics.DownlinksQueued = () => Interlocked.Read(ref _queuedTotal);
    }

    /// <summary>Downlinks queued over all devices (in flight included).</summary>
    public long QueuedTotal => Interlocked.Read(ref _queuedTotal);

    public Task<DownlinkOutcome> EnqueueAsync(string deviceId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        cancellationToken.ThrowIfCancellationRequested();
        if (payload.Length > MaxPayloadBytes)
        {
            return Task.FromResult(Refuse(deviceId, DownlinkOutcome.TooLarge, "too_large", $"payload of {payload.Length} bytes, limit {MaxPayloadBytes}"));
        }

        if (!_isRegistered(deviceId))
        {
            return Task.FromResult(Refuse(deviceId, DownlinkOutcome.UnknownDevice, "unknown_device", "not in the registry"));
        }

        if (_lookup(deviceId) is not { } session)
        {
            return Task.FromResult(Refuse(deviceId, DownlinkOutcome.NoSession, "no_session", "the device holds no session (never connected with clean session off, or its session ended)"));
        }

        lock (session)
        {
            if (session.Ended)
            {
                return Task.FromResult(Refuse(deviceId, DownlinkOutcome.NoSession, "no_session", "its session just ended"));
            }

            if (session.Depth >= _maxQueued)
            {
                return Task.FromResult(Refuse(deviceId, DownlinkOutcome.QueueFull, "queue_full", $"{session.Depth} downlinks queued, limit {_maxQueued}"));
            }

            // Under the session's lock: two producers' downlinks for one device get sequences in the order they are queued.
            try
            {
                _store.AppendDownlink(deviceId, payload.ToArray(), _time.GetUtcNow().ToUnixTimeMilliseconds());
            }
            catch (Microsoft.Data.Sqlite.SqliteException exception)
            {
                // Not durable, so not queued: the caller sees the failure (a full or failing disk), nothing is half-done.
                _logger.LogError("downlink to {Device} not queued: {Error}", deviceId, exception.Message);
                return Task.FromException<DownlinkOutcome>(exception);
            }

            session.Depth++;
            Interlocked.Increment(ref _queuedTotal);
        }

        _metrics.CountDownlinkQueued();
        Deliver(session);
        return Task.FromResult(DownlinkOutcome.Queued);
    }

    /// <summary>A PUBACK from the device: the downlink in flight with that packet identifier is done.</summary>
    /// <returns>false when nothing was in flight with that identifier (a stray or repeated PUBACK: ignored).</returns>
    internal bool Acknowledge(ISessionLink link, ushort packetId, MqttPubAckReasonCode reasonCode)
    {
        if (_lookup(link.DeviceId) is not { } session)
        {
            return false;
        }

        lock (session)
        {
            if (!ReferenceEquals(session.Link, link) || session.InFlight is not { } inFlight || PacketIdOf(inFlight) != packetId)
            {
                return false;
            }

            _store.DeleteDownlink(inFlight);
            session.InFlight = null;
            session.Depth--;
            Interlocked.Decrement(ref _queuedTotal);
        }

        _metrics.CountDownlinkAcknowledged();
        if (reasonCode >= MqttPubAckReasonCode.UnspecifiedError)
        {
            // MQTT 5: the device took the downlink and refused it; it is done either way (QoS 1 flow complete).
            _logger.LogWarning("{Device} refused a downlink: PUBACK {Reason}", link.DeviceId, reasonCode);
        }

        Deliver(session);
        return true;
    }

    /// <summary>MQTT packet identifiers are 1..65535; one in flight per device, so the sequence's residue is unique.</summary>
    internal static ushort PacketIdOf(long sequence) => (ushort)(((sequence - 1) % 65535) + 1);

    /// <summary>Sends the oldest queued downlink when the device is connected, subscribed and has none in flight.</summary>
    internal void Deliver(DeviceSession session)
    {
        ISessionLink link;
        MqttPublishPacket packet;
        bool resend;
        lock (session)
        {
            if (session.Ended || session.Link is null || !session.Subscribed || session.InFlight is not null || session.Depth == 0)
            {
                return;
            }

            var head = _store.ReadHead(session.DeviceId);
            if (head is null)
            {
                _logger.LogError("{Device}: {Depth} downlinks counted but none stored; count reset", session.DeviceId, session.Depth);
                Interlocked.Add(ref _queuedTotal, -session.Depth);
                session.Depth = 0;
                return;
            }

            resend = head.Sent;
            if (!resend)
            {
                _store.MarkSent(head.Sequence);
            }

            session.InFlight = head.Sequence;
            link = session.Link;
            packet = new MqttPublishPacket
            {
                Topic = Topics.Commands(session.DeviceId),
                Payload = new ReadOnlySequence<byte>(head.Payload),
                QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
                PacketIdentifier = PacketIdOf(head.Sequence),
                // MQTT 3.1.1 3.3.1.1: DUP 1 on every attempt to deliver it again.
                Dup = resend,
            };
        }

        if (resend)
        {
            _metrics.CountDownlinkRedelivered();
        }
        else
        {
            _metrics.CountDownlinkDelivered();
        }

        _ = SendAsync(link, packet);
    }

    private async Task SendAsync(ISessionLink link, MqttPublishPacket packet)
    {
        try
        {
            await link.SendDownlinkAsync(packet).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            // The connection is closing: the downlink stays queued and goes out first on the device's next connection.
        }
    }

    private DownlinkOutcome Refuse(string deviceId, DownlinkOutcome outcome, string reason, string detail)
    {
        _metrics.CountDownlinkRejected(reason);
        _logger.LogWarning("downlink to {Device} refused ({Reason}): {Detail}", deviceId, reason, detail);
        return outcome;
    }

    /// <summary>Queued downlinks gained (a session loaded at start) or lost (discarded with a session): the depth gauge.</summary>
    internal void CountDepth(int change) => Interlocked.Add(ref _queuedTotal, change);
}
