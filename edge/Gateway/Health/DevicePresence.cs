namespace Eldercare.Edge.Gateway.Health;

/// <summary>
/// Who is due an offline alarm or an online event, from the times the brokers report (pure: no clock, no disk; the
/// caller passes "now" in Unix milliseconds). A device is watched from its first connection or event, so a device
/// still in its box never alarms. Rules (edge/README.md "Device offline"):
/// <list type="bullet">
/// <item>offline when nothing came from it for <see cref="DeviceHealthOptions.SilenceLimitMilliseconds"/>, or when
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
    private readonly long _silenceLimit;
    private readonly long _lostGrace;
    private readonly long _quietUntil;

    /// <param name="startedUnixMilliseconds">When the gateway started: no alarm before it plus the start-up grace.</param>
    public DevicePresence(DeviceHealthOptions options, long startedUnixMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(options);
        _silenceLimit = options.SilenceLimitMilliseconds;
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

    /// <summary>What the last run left: last-seen times and the alarms still open.</summary>
    public void Load(IEnumerable<KeyValuePair<string, long>> lastSeen, IEnumerable<OpenAlarm> openAlarms)
    {
        lock (_gate)
        {
            foreach (var (device, seen) in lastSeen)
            {
                var watch = WatchOf(device, seen);
                watch.LastSeen = seen;
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

                var silentUntil = watch.LastSeen + _silenceLimit;
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

    /// <summary>Last-seen times changed since the last call (the caller writes them in one batch).</summary>
    public List<KeyValuePair<string, long>> TakeChangedLastSeen()
    {
        var changed = new List<KeyValuePair<string, long>>();
        lock (_gate)
        {
            foreach (var (device, watch) in _devices)
            {
                if (watch.Dirty)
                {
                    watch.Dirty = false;
                    changed.Add(new(device, watch.LastSeen));
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

    /// <summary>Every watched device: when it was last heard from and whether it is alarmed offline (the console's list).</summary>
    public Dictionary<string, DeviceStatus> Statuses()
    {
        lock (_gate)
        {
            return _devices.ToDictionary(p => p.Key, p => new DeviceStatus(p.Value.LastSeen, p.Value.Alarm is not null), StringComparer.Ordinal);
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

    public readonly record struct DeviceStatus(long LastSeenUnixMilliseconds, bool Offline);

    public readonly record struct OfflineDue(string DeviceId, string Reason, long LastSeenUnixMilliseconds);

    public sealed record Due(IReadOnlyList<OfflineDue> Offline, IReadOnlyList<OpenAlarm> Online);

    private sealed class Watch
    {
        /// <summary>Last event (or first connection) in Unix ms.</summary>
        public long LastSeen;

        /// <summary>When its connection was lost without DISCONNECT, 0 when connected or closed cleanly.</summary>
        public long LostAt;

        public OpenAlarm? Alarm;

        public bool Dirty;
    }
}
