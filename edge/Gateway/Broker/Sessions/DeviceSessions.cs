using System.Collections.Concurrent;
using Eldercare.Edge.Gateway.Metrics;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;

namespace Eldercare.Edge.Gateway.Broker.Sessions;

/// <summary>
/// The device listener's MQTT sessions and their QoS 1 downlinks (issue 12). A session lives while its device is
/// connected; one that asked to outlive a disconnect (MQTT 3.1.1 clean session 0, MQTT 5 Session Expiry Interval &gt; 0)
/// is stored and survives disconnects and gateway restarts until it expires. A session holds the subscription to the
/// device's commands topic and its queued downlinks.
/// Their downlinks: <see cref="DownlinkQueue"/>. Expiry is measured on the injected clock (Unix time, which a restart
/// keeps), so tests move it instead of waiting.
/// </summary>
public sealed class DeviceSessions
{
    private readonly ConcurrentDictionary<string, DeviceSession> _sessions = new(StringComparer.Ordinal);
    private readonly SessionStore _store;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly DownlinkQueue _downlinks;

    /// <param name="isRegistered">Whether a device id is in the registry (an unknown device gets no downlink).</param>
    internal DeviceSessions(SessionStore store, Func<string, bool> isRegistered, int maxQueuedPerDevice, GatewayMetrics metrics, ILogger logger, TimeProvider time)
    {
        _store = store;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _downlinks = new DownlinkQueue(store, id => _sessions.TryGetValue(id, out var s) ? s : null, isRegistered, maxQueuedPerDevice, metrics, logger, time);
        metrics.SessionsHeld = () => _sessions.Count;
        Load();
    }

    /// <summary>Where downlinks are queued for these sessions: what the coming features call.</summary>
    public IDownlinks Downlinks => _downlinks;

    /// <summary>
    /// A device logged in on <paramref name="link"/>. A clean start discards the session it had (and counts what was
    /// queued in it); otherwise the session it had continues, and the downlink it had not acknowledged is resent first.
    /// <paramref name="expirySeconds"/> is how long the session is to outlive this connection (0: it ends with it).
    /// </summary>
    /// <returns>Session Present: whether the device resumes a session the gateway kept (MQTT 3.1.1 3.2.2.2, 5 3.2.2.1.1).</returns>
    internal bool Attach(ISessionLink link, bool cleanStart, long expirySeconds)
    {
        while (true)
        {
            var session = _sessions.GetOrAdd(link.DeviceId, id => new DeviceSession(id));
            bool present;
            lock (session)
            {
                if (session.Ended)
                {
                    continue;
                }

                // A session exists when it was stored, or when another connection of the device holds it (a take-over).
                var existed = session.Stored || session.Link is not null;
                if (cleanStart && existed)
                {
                    Discard(session, "clean_session", endSession: false);
                    session.Subscribed = false;
                }

                present = !cleanStart && existed;
                session.Link = link;
                session.InFlight = null;
                session.DisconnectedAtMs = null;
                session.ExpirySeconds = expirySeconds;
                if (expirySeconds > 0 || session.Stored)
                {
                    // Stored before the CONNACK: a Session Present 1 after a restart must be true. A stored session that
                    // now asks for expiry 0 keeps its row with 0, so a crash while connected still ends it (at the next start).
                    _store.SaveSession(session.DeviceId, expirySeconds, session.Subscribed);
                    session.Stored = true;
                }
            }

            // A resumed session's queue starts at once (the link holds it back until the CONNACK is out).
            _downlinks.Deliver(session);
            return present;
        }
    }

    /// <summary>The device subscribed to its commands topic (the SUBACK is already out): delivery starts.</summary>
    internal void Subscribe(ISessionLink link) => SetSubscribed(link, subscribed: true);

    /// <summary>The device unsubscribed: nothing more is sent (the one in flight still completes); the queue stays.</summary>
    internal void Unsubscribe(ISessionLink link) => SetSubscribed(link, subscribed: false);

    /// <summary>A PUBACK from the device for the downlink in flight (false: none in flight with that identifier).</summary>
    internal bool Acknowledge(ISessionLink link, ushort packetId, MqttPubAckReasonCode reasonCode) => _downlinks.Acknowledge(link, packetId, reasonCode);

    /// <summary>
    /// An MQTT 5 DISCONNECT's Session Expiry Interval (3.14.2.2.2): from now on the session outlives this connection by
    /// <paramref name="expirySeconds"/> (already capped). False, and nothing changed, when the CONNECT's was 0: a
    /// non-zero one at DISCONNECT is then a protocol error (the session already ends with the connection).
    /// </summary>
    internal bool SetExpiryAtDisconnect(ISessionLink link, long expirySeconds)
    {
        if (!_sessions.TryGetValue(link.DeviceId, out var session))
        {
            return false;
        }

        lock (session)
        {
            if (!ReferenceEquals(session.Link, link) || session.ExpirySeconds == 0)
            {
                return false;
            }

            session.ExpirySeconds = expirySeconds;
            _store.SaveSession(session.DeviceId, expirySeconds, session.Subscribed);
            session.Stored = true;
            return true;
        }
    }

    /// <summary>The connection closed. A session that outlives it starts its expiry; any other ends, with what it held.</summary>
    internal void Detach(ISessionLink link)
    {
        if (!_sessions.TryGetValue(link.DeviceId, out var session))
        {
            return;
        }

        lock (session)
        {
            if (!ReferenceEquals(session.Link, link))
            {
                return; // taken over by a newer connection: the session is that one's now
            }

            session.Link = null;
            session.InFlight = null;
            if (session.ExpirySeconds == 0)
            {
                Discard(session, "session_ended", endSession: true);
                return;
            }

            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            session.DisconnectedAtMs = now;
            _store.MarkDisconnected(session.DeviceId, now);
        }
    }

    /// <summary>Ends the sessions whose device has been away longer than their expiry (the broker calls this each second).</summary>
    internal void ExpireSessions()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var session in _sessions.Values)
        {
            lock (session)
            {
                if (!session.Ended && session.Link is null && session.DisconnectedAtMs is { } since && now - since >= session.ExpirySeconds * 1000)
                {
                    Discard(session, "session_expired", endSession: true);
                }
            }
        }
    }

    private void SetSubscribed(ISessionLink link, bool subscribed)
    {
        if (!_sessions.TryGetValue(link.DeviceId, out var session))
        {
            return;
        }

        lock (session)
        {
            if (!ReferenceEquals(session.Link, link) || session.Subscribed == subscribed)
            {
                return;
            }

            session.Subscribed = subscribed;
            if (session.Stored)
            {
                // Fsynced before anything is sent: a restart must not claim a subscription a power cut lost.
                _store.SaveSession(session.DeviceId, session.ExpirySeconds, subscribed);
            }
        }

        _downlinks.Deliver(session);
    }

    /// <summary>Drops what a session held (counted with the reason); ends the session itself when asked.</summary>
    private void Discard(DeviceSession session, string reason, bool endSession)
    {
        var discarded = session.Stored || session.Depth > 0 ? _store.DeleteSession(session.DeviceId) : 0;
        _downlinks.CountDepth(-session.Depth);
        session.Depth = 0;
        session.InFlight = null;
        session.Stored = false;
        if (discarded > 0)
        {
            _metrics.CountDownlinksDiscarded(reason, discarded);
            _logger.LogWarning("{Device}: {Count} queued downlinks discarded ({Reason})", session.DeviceId, discarded, reason);
        }

        if (endSession)
        {
            session.Ended = true;
            _sessions.TryRemove(new KeyValuePair<string, DeviceSession>(session.DeviceId, session));
        }
    }

    /// <summary>The stored sessions, then the same expiry as at run time (the gateway may have been down for days).</summary>
    private void Load()
    {
        var depths = _store.LoadDepths();
        foreach (var stored in _store.LoadSessions())
        {
            var depth = depths.GetValueOrDefault(stored.DeviceId);
            _sessions[stored.DeviceId] = new DeviceSession(stored.DeviceId)
            {
                ExpirySeconds = stored.ExpirySeconds,
                Stored = true,
                Subscribed = stored.Subscribed,
                Depth = depth,
                DisconnectedAtMs = stored.DisconnectedAtMs,
            };
            _downlinks.CountDepth(depth);
        }

        foreach (var (deviceId, count) in depths)
        {
            if (!_sessions.ContainsKey(deviceId))
            {
                // Queued in a clean session whose connection ended with the gateway's last run: the session ended there.
                _store.DeleteSession(deviceId);
                _metrics.CountDownlinksDiscarded("session_ended", count);
                _logger.LogWarning("{Device}: {Count} queued downlinks discarded at start (session_ended: a clean session of the last run)", deviceId, count);
            }
        }

        ExpireSessions();
    }
}
