namespace Eldercare.Edge.Gateway.Health;

/// <summary>
/// Device offline (issue 13): the brokers report each device's activity (<see cref="IDeviceActivity"/>), and a pass
/// (<see cref="CheckAsync"/>, once a second from <see cref="DeviceHealthService"/>; by hand in tests on a fake clock)
/// raises a <c>device_offline</c> alarm for a registered, enabled device that went silent or lost its connection, and
/// a <c>device_online</c> when it is heard from again (<see cref="DevicePresence"/> has the rules,
/// <see cref="GatewayEventWriter"/> the exactly-once path). Its state survives a restart (<see cref="HealthStateStore"/>).
/// </summary>
public sealed class DeviceHealthMonitor : IDeviceActivity
{
    private readonly DevicePresence _presence;
    private readonly GatewayEventWriter _writer;
    private readonly HealthStateStore _state;
    private readonly Func<string, bool> _isWatched;
    private readonly TimeProvider _time;
    private readonly long _saveIntervalMilliseconds;
    private readonly SemaphoreSlim _pass = new(1, 1);
    private long _lastSaved;

    /// <param name="isWatched">True for a device the registry lists and enables now: no other device raises anything.</param>
    public DeviceHealthMonitor(DeviceHealthOptions options, GatewayEventWriter writer, HealthStateStore state, Func<string, bool> isWatched, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(isWatched);
        ArgumentNullException.ThrowIfNull(time);
        _writer = writer;
        _state = state;
        _isWatched = isWatched;
        _time = time;
        _saveIntervalMilliseconds = options.LastSeenSaveIntervalSeconds * 1000L;
        _lastSaved = Now;
        _presence = new DevicePresence(options, Now);
        _presence.Load(state.LoadLastSeen(), state.LoadOpenAlarms());
    }

    /// <summary>Devices alarmed offline now (the <c>gateway_devices_offline</c> gauge).</summary>
    public int OfflineCount => _presence.OfflineCount;

    /// <summary>Gateway events kept and not yet in the event store (an append failed; tried again each pass).</summary>
    public int Waiting => _writer.Waiting;

    /// <summary>Every watched device's last-seen time and offline state, now.</summary>
    public Dictionary<string, DevicePresence.DeviceStatus> Statuses() => _presence.Statuses();

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public void Connected(string deviceId) => _presence.Connected(deviceId, Now);

    public void EventReceived(string deviceId) => _presence.EventReceived(deviceId, Now);

    public void HeartbeatPeriodReported(string deviceId, int heartbeatSeconds) => _presence.HeartbeatPeriodReported(deviceId, heartbeatSeconds, Now);

    public void ConnectionLost(string deviceId) => _presence.ConnectionLost(deviceId, Now);

    public void Disconnected(string deviceId) => _presence.Disconnected(deviceId, Now);

    /// <summary>
    /// One pass: forget devices the registry dropped, raise what is due, append what is kept, and write the last-seen
    /// times when their interval has passed. Passes never overlap. Throws when the state could not be written (nothing
    /// of that pass happened; the next pass does it).
    /// </summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = Now;
            foreach (var alarm in _presence.OpenAlarms().Where(a => !_isWatched(a.DeviceId)))
            {
                Forget(alarm.DeviceId);
            }

            var due = _presence.TakeDue(now);
            var offline = new List<DevicePresence.OfflineDue>(due.Offline.Count);
            foreach (var candidate in due.Offline)
            {
                if (_isWatched(candidate.DeviceId))
                {
                    offline.Add(candidate);
                }
                else
                {
                    Forget(candidate.DeviceId);
                }
            }

            var (raised, cleared) = _writer.Commit(offline, due.Online, now);
            foreach (var alarm in raised)
            {
                _presence.Alarmed(alarm);
            }

            foreach (var alarm in cleared)
            {
                _presence.Cleared(alarm.DeviceId);
            }

            await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            // A changed period is written at once (it is rare: a configuration); last-seen times wait for their interval.
            if (now - _lastSaved >= _saveIntervalMilliseconds || _presence.PeriodsChanged)
            {
                SaveLastSeenCore(now);
            }
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <summary>Writes the changed last-seen times now (at a clean stop; passes do it every save interval).</summary>
    public async Task SaveLastSeenAsync(CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SaveLastSeenCore(Now);
        }
        finally
        {
            _pass.Release();
        }
    }

    private void SaveLastSeenCore(long now)
    {
        var changed = _presence.TakeChangedLastSeen();
        _state.SaveLastSeen(changed.Where(seen => _isWatched(seen.DeviceId)).ToList());
        _lastSaved = now;
    }

    /// <summary>Removed from the registry (or disabled): no alarm, no online event, nothing kept.</summary>
    private void Forget(string deviceId)
    {
        _presence.Forget(deviceId);
        _state.Forget(deviceId);
    }
}
