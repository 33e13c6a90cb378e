namespace Eldercare.Edge.Gateway.Health;

/// <summary>
/// Who is due an offline alarm or an online event, from the times the brokers report (pure: no clock, no disk; the
/// caller passes "now" in Unix milliseconds). A device is watched from its first connection or event, so a device
/// still in its box never alarms. Rules (edge/README.md "Device offline"):
/// <list type="bullet">
/// <item>offline when nothing came from it for <see cref="DeviceHealthOptions.SilenceLimitMillisecondsFor"/> its last
/// reported heartbeat period (the gateway's configured one when it reported none), or when
/// its connection was lost without DISCONNECT and it did not reconnect within the lost-connection grace;</item>
/// <item>never before the start-up grace has passed (a gateway restart is not an outage of every device);</item>
/// <item>one alarm per outage: none while one is open; an event from the device makes the online event due.</item>
/// </list>
/// Thread-safe: the brokers call in from many connections, the monitor takes what is due from its own pass.
/// </summary>
public sealed class DevicePresence
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Watch> _devices = new(StringComparer.Ordinal);
    private readonly DeviceHealthOptions _options;
    private readonly long _lostGrace;
    private readonly long _quietUntil;
    private bool _periodsChanged;

    /// <param name="startedUnixMilliseconds">When the gateway started: no alarm before it plus the start-up grace.</param>
    public DevicePresence(DeviceHealthOptions options, long startedUnixMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _lostGrace = options.LostConnectionGraceSeconds * 1000L;
        _quietUntil = startedUnixMilliseconds + options.StartupGraceSeconds * 1000L;
    }

    /// <summary>Alarms open now.</summary>
    public int OfflineCount
    {
        get
        {
            lock (_gate)
            {
                return _devices.Values.Count(w => w.Alarm is not null);
            }
        }
    }

    /// <summary>What the last run left: last-seen times with the reported heartbeat periods, and the alarms still open.</summary>
    public void Load(IEnumerable<Seen> lastSeen, IEnumerable<OpenAlarm> openAlarms)
    {
        lock (_gate)
        {
            foreach (var seen in lastSeen)
            {
                var watch = WatchOf(seen.DeviceId, seen.LastSeenUnixMilliseconds);
                watch.LastSeen = seen.LastSeenUnixMilliseconds;
                watch.HeartbeatSeconds = seen.HeartbeatSeconds;
                watch.Dirty = false;
            }

            foreach (var alarm in openAlarms)
            {
                WatchOf(alarm.DeviceId, alarm.RaisedUnixMilliseconds).Alarm = alarm;
            }
        }
    }

    public void Connected(string deviceId, long now)
    {
        lock (_gate)
        {
            // A first connection starts the watch: a device that connects and drops without a word is still noticed.
            WatchOf(deviceId, now).LostAt = 0;
        }
    }

    /// <returns>true when the device was alarmed offline: its online event is due.</returns>
    public bool EventReceived(string deviceId, long now)
    {
        lock (_gate)
        {
            var watch = WatchOf(deviceId, now);
            watch.LastSeen = now;
            watch.LostAt = 0;
            watch.Dirty = true;
            return watch.Alarm is not null;
        }
    }

    /// <summary>
    /// A stored heartbeat said the device's period (<paramref name="heartbeatSeconds"/>, <c>hbs</c>), or said none (0:
    /// firmware before the field, so the gateway's configured period): its offline deadline follows from it from now on.
    /// </summary>
    /// <returns>true when the period changed (the caller writes it at its next pass, not on this connection's path).</returns>
    public bool HeartbeatPeriodReported(string deviceId, int heartbeatSeconds, long now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(heartbeatSeconds);
        lock (_gate)
        {
            var watch = WatchOf(deviceId, now);
            if (watch.HeartbeatSeconds == heartbeatSeconds)
            {
                return false;
            }

            watch.HeartbeatSeconds = heartbeatSeconds;
            watch.Dirty = true;
            _periodsChanged = true;
            return true;
        }
    }

    /// <summary>A reported period changed since the last <see cref="TakeChangedLastSeen"/>: worth writing at once (rare,
    /// a configuration's doing), since losing it to a crash would time the device by the default period.</summary>
    public bool PeriodsChanged
    {
        get
        {
            lock (_gate)
            {
                return _periodsChanged;
            }
        }
    }

    public void ConnectionLost(string deviceId, long now)
    {
        lock (_gate)
        {
            WatchOf(deviceId, now).LostAt = now;
        }
    }

    public void Disconnected(string deviceId, long now)
    {
        lock (_gate)
        {
            WatchOf(deviceId, now).LostAt = 0;
        }
    }

    /// <summary>
    /// Devices due an offline alarm now (reason <see cref="GatewayEvents.HeartbeatTimeout"/> or
    /// <see cref="GatewayEvents.LastWill"/>, and when each was last seen), and alarmed devices that sent an event since.
    /// </summary>
    public Due TakeDue(long now)
    {
        var offline = new List<OfflineDue>();
        var online = new List<OpenAlarm>();
        lock (_gate)
        {
            foreach (var (device, watch) in _devices)
            {
                if (watch.Alarm is { } alarm)
                {
                    if (watch.LastSeen > alarm.RaisedUnixMilliseconds)
                    {
                        online.Add(alarm);
                    }

                    continue;
                }

                var silentUntil = watch.LastSeen + _options.SilenceLimitMillisecondsFor(watch.HeartbeatSeconds);
                var lostUntil = watch.LostAt != 0 ? watch.LostAt + _lostGrace : long.MaxValue;
                var deadline = Math.Max(Math.Min(silentUntil, lostUntil), _quietUntil);
                if (now >= deadline)
                {
                    offline.Add(new OfflineDue(device, lostUntil < silentUntil ? GatewayEvents.LastWill : GatewayEvents.HeartbeatTimeout, watch.LastSeen));
                }
            }
        }

        return new Due(offline, online);
    }

    /// <summary>The alarm is durable: none again until it is cleared. An event that came in while it was being raised
    /// makes its online event due at the next pass (<see cref="OpenAlarm.RaisedUnixMilliseconds"/> is the decision's time).</summary>
    public void Alarmed(OpenAlarm alarm)
    {
        lock (_gate)
        {
            WatchOf(alarm.DeviceId, alarm.RaisedUnixMilliseconds).Alarm = alarm;
        }
    }

    /// <summary>The online event is durable: the device is watched again from its last event.</summary>
    public void Cleared(string deviceId)
    {
        lock (_gate)
        {
            if (_devices.TryGetValue(deviceId, out var watch))
            {
                watch.Alarm = null;
            }
        }
    }

    /// <summary>A device the registry no longer lists (or disabled): not watched any more, nothing raised for it.</summary>
    public void Forget(string deviceId)
    {
        lock (_gate)
        {
            _devices.Remove(deviceId);
        }
    }

    /// <summary>Last-seen times and periods changed since the last call (the caller writes them in one batch).</summary>
    public List<Seen> TakeChangedLastSeen()
    {
        var changed = new List<Seen>();
        lock (_gate)
        {
            _periodsChanged = false;
            foreach (var (device, watch) in _devices)
            {
                if (watch.Dirty)
                {
                    watch.Dirty = false;
                    changed.Add(new(device, watch.LastSeen, watch.HeartbeatSeconds));
                }
            }
        }

        return changed;
    }

    /// <summary>Alarms open now (to drop those of devices removed from the registry).</summary>
    public List<OpenAlarm> OpenAlarms()
    {
        lock (_gate)
        {
            return _devices.Values.Where(w => w.Alarm is not null).Select(w => w.Alarm!).ToList();
        }
    }

    /// <summary>Every watched device: when it was last heard from, whether it is alarmed offline (the console's list)
    /// and how long a silence it is allowed (from its reported heartbeat period).</summary>
    public Dictionary<string, DeviceStatus> Statuses()
    {
        lock (_gate)
        {
            return _devices.ToDictionary(p => p.Key, p => new DeviceStatus(p.Value.LastSeen, p.Value.Alarm is not null,
                p.Value.HeartbeatSeconds, _options.SilenceLimitMillisecondsFor(p.Value.HeartbeatSeconds)), StringComparer.Ordinal);
        }
    }

    private Watch WatchOf(string deviceId, long now)
    {
        if (!_devices.TryGetValue(deviceId, out var watch))
        {
            watch = new Watch { LastSeen = now, Dirty = true };
            _devices.Add(deviceId, watch);
        }

        return watch;
    }

    /// <param name="ReportedHeartbeatSeconds">The period its last heartbeat said (<c>hbs</c>), 0 when none.</param>
    /// <param name="SilenceLimitMilliseconds">How long a silence before its offline alarm.</param>
    public readonly record struct DeviceStatus(long LastSeenUnixMilliseconds, bool Offline, int ReportedHeartbeatSeconds, long SilenceLimitMilliseconds);

    /// <summary>What is kept of a device across restarts: its last-seen time and its reported heartbeat period (0: none).</summary>
    public readonly record struct Seen(string DeviceId, long LastSeenUnixMilliseconds, int HeartbeatSeconds);

    public readonly record struct OfflineDue(string DeviceId, string Reason, long LastSeenUnixMilliseconds);

    public sealed record Due(IReadOnlyList<OfflineDue> Offline, IReadOnlyList<OpenAlarm> Online);

    private sealed class Watch
    {
        /// <summary>Last event (or first connection) in Unix ms.</summary>
        public long LastSeen;

        /// <summary>When its connection was lost without DISCONNECT, 0 when connected or closed cleanly.</summary>
        public long LostAt;

        /// <summary>The period its last heartbeat reported (<c>hbs</c>), 0 when it reported none.</summary>
        public int HeartbeatSeconds;

        public OpenAlarm? Alarm;

        public bool Dirty;
    }
}
