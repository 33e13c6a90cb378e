using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.VirtualDevice;

/// <summary>
/// A simulated community: virtual pendants, watches (pendants with a GNSS module, ids starting <c>watch</c>) and the
/// community's kiosks (ids starting <c>kiosk</c>) against one gateway, with a line of output per thing an operator
/// would want to see (connect, delivered, what a kiosk's display or a wearable's indicator shows). A wearable's power
/// can be cut (no DISCONNECT) and restored (a new boot from the same flash).
/// </summary>
public sealed class Community : IAsyncDisposable
{
    /// <summary>Device ids starting with this are kiosks.</summary>
    public const string KioskPrefix = "kiosk";

    /// <summary>Device ids starting with this are watches: wearables with the GNSS module (<see cref="CommunitySettings.GnssLog"/>).</summary>
    public const string WatchPrefix = "watch";

    private readonly CommunitySettings _settings;
    private readonly TextWriter _log;
    private readonly Dictionary<string, DeviceCredentials> _wearableCredentials = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VirtualPendant> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VirtualKiosk> _kiosks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _poweredOff = new(StringComparer.Ordinal);
    private readonly List<VirtualPendant> _retired = [];
    private readonly object _devicesLock = new();
    private readonly object _logLock = new();
    private readonly bool _gnssOnWatchesOnly;

    public Community(CommunitySettings settings, IEnumerable<DeviceCredentials> devices, TextWriter log)
    {
        _settings = settings;
        _log = log;
        DeviceCredentials[] all = devices.ToArray();
        _gnssOnWatchesOnly = all.Any(d => IsWatch(d.DeviceId));
        foreach (DeviceCredentials credentials in all)
        {
            if (credentials.DeviceId.StartsWith(KioskPrefix, StringComparison.Ordinal))
            {
                _kiosks.Add(credentials.DeviceId, CreateKiosk(credentials));
                continue;
            }

            _wearableCredentials.Add(credentials.DeviceId, credentials);
            _devices.Add(credentials.DeviceId, CreateWearable(credentials));
        }
    }

    /// <summary>The wearables (pendants and watches) as they are now (a power cycle replaces one).</summary>
    public IReadOnlyCollection<VirtualPendant> Devices
    {
        get
        {
            lock (_devicesLock)
            {
                return _devices.Values.ToArray();
            }
        }
    }

    public IReadOnlyCollection<VirtualKiosk> Kiosks => _kiosks.Values;

    public static bool IsWatch(string deviceId) => deviceId.StartsWith(WatchPrefix, StringComparison.Ordinal);

    public VirtualPendant? Find(string deviceId)
    {
        lock (_devicesLock)
        {
            return _devices.GetValueOrDefault(deviceId);
        }
    }

    public VirtualKiosk? FindKiosk(string deviceId) => _kiosks.GetValueOrDefault(deviceId);

    public bool IsPoweredOff(string deviceId)
    {
        lock (_devicesLock)
        {
            return _poweredOff.Contains(deviceId);
        }
    }

    public void StartAll()
    {
        foreach (VirtualPendant pendant in Devices)
        {
            pendant.Start();
            Log($"device {pendant.DeviceId} boot={pendant.BootEpoch} started{(pendant.Gnss is null ? string.Empty : " with GNSS")}, outbox={pendant.Outbox.Count}");
        }

        foreach (VirtualKiosk kiosk in _kiosks.Values)
        {
            kiosk.Start();
            Log($"kiosk {kiosk.DeviceId} boot={kiosk.BootEpoch} started, outbox={kiosk.App.Outbox.Count}");
        }
    }

    public async Task<bool> WaitAllConnectedAsync(TimeSpan timeout, CancellationToken cancel)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !cancel.IsCancellationRequested)
        {
            if (AllConnected)
            {
                return true;
            }

            await Task.Delay(50, cancel);
        }

        return AllConnected;
    }

    public int Count => _devices.Count + _kiosks.Count;

    private bool AllConnected => Devices.All(d => d.IsConnected) && _kiosks.Values.All(k => k.IsConnected);

    /// <summary>
    /// Cuts a wearable's power: the TCP connection drops without DISCONNECT (the gateway sees its last will), the loop
    /// stops. False when it is unknown or already off.
    /// </summary>
    public bool PowerCut(string deviceId)
    {
        lock (_devicesLock)
        {
            if (!_devices.TryGetValue(deviceId, out VirtualPendant? pendant) || !_poweredOff.Add(deviceId))
            {
                return false;
            }

            pendant.PowerCut();
            _retired.Add(pendant);
        }

        Log($"power cut on {deviceId}: connection dropped without DISCONNECT (the gateway decides when it is offline)");
        return true;
    }

    /// <summary>Powers a cut wearable on again: a new boot from the same flash (outbox kept). False when it was not off.</summary>
    public bool PowerOn(string deviceId)
    {
        VirtualPendant pendant;
        lock (_devicesLock)
        {
            if (!_poweredOff.Remove(deviceId))
            {
                return false;
            }

            pendant = CreateWearable(_wearableCredentials[deviceId]);
            _devices[deviceId] = pendant;
        }

        pendant.Start();
        Log($"power back on {deviceId}: boot={pendant.BootEpoch}, outbox={pendant.Outbox.Count}");
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        VirtualPendant[] wearables;
        lock (_devicesLock)
        {
            wearables = _devices.Values.Concat(_retired).Distinct().ToArray();
        }

        foreach (VirtualPendant pendant in wearables)
        {
            await pendant.DisposeAsync();
        }

        foreach (VirtualKiosk kiosk in _kiosks.Values)
        {
            await kiosk.DisposeAsync();
        }
    }

    /// <summary>One timestamped line of the community's log.</summary>
    public void Log(string message)
    {
        lock (_logLock)
        {
            _log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {message}");
            _log.Flush();
        }
    }

    private VirtualKiosk CreateKiosk(DeviceCredentials credentials)
    {
        var kiosk = new VirtualKiosk(new VirtualKioskOptions(credentials.DeviceId, credentials.Secret, _settings.BrokerHost, _settings.BrokerPort, _settings.DataDirectory)
        {
            HeartbeatIntervalSeconds = _settings.HeartbeatIntervalSeconds,
        });
        kiosk.Display.Shown += line => Log($"kiosk {kiosk.DeviceId} shows: {line}");
        kiosk.ConnectFailed += reason => Log($"device {kiosk.DeviceId} connect failed: {reason}");
        return kiosk;
    }

    private VirtualPendant CreateWearable(DeviceCredentials credentials)
    {
        bool hasGnss = _settings.GnssLog is not null && (!_gnssOnWatchesOnly || IsWatch(credentials.DeviceId));
        var pendant = new VirtualPendant(new VirtualPendantOptions(credentials.DeviceId, credentials.Secret, _settings.BrokerHost, _settings.BrokerPort, _settings.DataDirectory)
        {
            HeartbeatIntervalSeconds = _settings.HeartbeatIntervalSeconds,
            GnssLog = hasGnss ? _settings.GnssLog : null,
            WellnessMinutes = _settings.WellnessMinutes,
            WakingHours = _settings.WakingHours,
            Radio = _settings.Radio,
        });
        pendant.Delivered += entry =>
        {
            if (EventTypes.LaneOf(entry.Type) != EventTypes.TelemetryLane)
            {
                Log($"delivered {DeviceEvent.MakeId(pendant.DeviceId, entry.BootEpoch, entry.Sequence)} {entry.Type} (gateway acknowledged)");
            }
        };
        pendant.ConnectFailed += reason => Log($"device {pendant.DeviceId} connect failed: {reason}");
        pendant.Indicator.Shown += pattern =>
        {
            if (pattern == IndicatorPattern.HelpComing)
            {
                Log($"device {pendant.DeviceId} shows HelpComing (a person acknowledged the alarm)");
            }
            else if (pattern == IndicatorPattern.StillWaiting)
            {
                Log($"device {pendant.DeviceId} shows StillWaiting (the alarm still waits for a person)");
            }
        };
        return pendant;
    }
}
