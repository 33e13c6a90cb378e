using Eldercare.Firmware.Core.Events;

namespace Eldercare.VirtualDevice;

/// <summary>Shared settings of a simulated community.</summary>
public sealed record CommunitySettings(string BrokerHost, int BrokerPort, string DataDirectory)
{
    public int HeartbeatIntervalSeconds { get; init; } = 60;

    /// <summary>A recorded NMEA walk: every device gets a GNSS module replaying it on "wander ID".</summary>
    public string? GnssLogPath { get; init; }

    /// <summary>Every wearable's wellness period in minutes (null: the core's 3 h); short for a demo.</summary>
    public int? WellnessMinutes { get; init; }

    /// <summary>Waking hours, local minutes of the day (from, until; equal: all day); null: the core's 07:00-22:00.</summary>
    public (int From, int Until)? WakingHours { get; init; }
}

/// <summary>
/// A simulated community: many virtual pendants and the community's kiosks (ids starting <c>kiosk</c>) against one
/// gateway, with a line of output per thing an operator would want to see (connect, SOS pressed, delivered, what a
/// kiosk's display or a pendant's indicator shows).
/// </summary>
public sealed class Community : IAsyncDisposable
{
    private readonly TextWriter _log;
    private readonly Dictionary<string, VirtualPendant> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VirtualKiosk> _kiosks = new(StringComparer.Ordinal);
    private readonly object _logLock = new();

    /// <summary>Device ids starting with this are kiosks.</summary>
    public const string KioskPrefix = "kiosk";

    private const string Usage = "sos ID | cancel ID | fall ID | wander ID | quiet ID | active ID | charge ID | unplug ID | card KIOSK UIDHEX | service KIOSK meal|clean|bath|medical|travel|shop | quit";

    public Community(CommunitySettings settings, IEnumerable<DeviceCredentials> devices, TextWriter log)
    {
        _log = log;
        IReadOnlyList<Adapters.NmeaLogLine>? gnssLog = settings.GnssLogPath is null ? null : Adapters.NmeaLog.Load(settings.GnssLogPath);
        foreach (DeviceCredentials credentials in devices)
        {
            if (credentials.DeviceId.StartsWith(KioskPrefix, StringComparison.Ordinal))
            {
                var kiosk = new VirtualKiosk(new VirtualKioskOptions(credentials.DeviceId, credentials.Secret, settings.BrokerHost, settings.BrokerPort, settings.DataDirectory)
                {
                    HeartbeatIntervalSeconds = settings.HeartbeatIntervalSeconds,
                });
                kiosk.Display.Shown += line => Log($"kiosk {kiosk.DeviceId} shows: {line}");
                kiosk.ConnectFailed += reason => Log($"device {kiosk.DeviceId} connect failed: {reason}");
                _kiosks.Add(credentials.DeviceId, kiosk);
                continue;
            }

            var pendant = new VirtualPendant(new VirtualPendantOptions(credentials.DeviceId, credentials.Secret, settings.BrokerHost, settings.BrokerPort, settings.DataDirectory)
            {
                HeartbeatIntervalSeconds = settings.HeartbeatIntervalSeconds,
                GnssLog = gnssLog,
                WellnessMinutes = settings.WellnessMinutes,
                WakingHours = settings.WakingHours,
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
                if (pattern is Eldercare.Firmware.Core.Hardware.IndicatorPattern.HelpComing or Eldercare.Firmware.Core.Hardware.IndicatorPattern.StillWaiting)
                {
                    Log($"device {pendant.DeviceId} shows {pattern}{(pattern == Eldercare.Firmware.Core.Hardware.IndicatorPattern.HelpComing ? " (a person acknowledged the alarm)" : " (the alarm still waits for a person)")}");
                }
            };
            _devices.Add(credentials.DeviceId, pendant);
        }
    }

    public IReadOnlyCollection<VirtualPendant> Devices => _devices.Values;

    public VirtualPendant? Find(string deviceId) => _devices.GetValueOrDefault(deviceId);

    public IReadOnlyCollection<VirtualKiosk> Kiosks => _kiosks.Values;

    public VirtualKiosk? FindKiosk(string deviceId) => _kiosks.GetValueOrDefault(deviceId);

    public void StartAll()
    {
        foreach (VirtualPendant pendant in _devices.Values)
        {
            pendant.Start();
            Log($"device {pendant.DeviceId} boot={pendant.BootEpoch} started, outbox={pendant.Outbox.Count}");
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

    private bool AllConnected => _devices.Values.All(d => d.IsConnected) && _kiosks.Values.All(k => k.IsConnected);

    /// <summary>Runs until the duration ends, Ctrl-C, or "quit" on the input. Returns the exit code.</summary>
    public async Task<int> RunAsync(string? sosDeviceId, TimeSpan sosAfter, TimeSpan duration, TextReader input, CancellationToken cancel)
    {
        if (sosDeviceId is not null && Find(sosDeviceId) is null && FindKiosk(sosDeviceId) is null)
        {
            Log($"error: --sos device '{sosDeviceId}' is not in the device list");
            return 2;
        }

        StartAll();
        bool connected = await WaitAllConnectedAsync(TimeSpan.FromSeconds(30), cancel);
        Log(connected ? $"all {_devices.Count + _kiosks.Count} devices connected" : "warning: not every device connected within 30 s (still retrying)");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (duration > TimeSpan.Zero)
        {
            stop.CancelAfter(duration);
        }

        if (sosDeviceId is not null)
        {
            _ = Task.Delay(sosAfter, stop.Token).ContinueWith(t => { if (!t.IsCanceled) { Command("sos " + sosDeviceId); } }, TaskScheduler.Default);
        }

        _ = Task.Run(() => ReadCommands(input, stop), CancellationToken.None);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        Log("stopping devices");
        return 0;
    }

    /// <summary>One console command (<see cref="Usage"/>). Returns false for "quit".</summary>
    public bool Command(string line)
    {
        string[] parts = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return true;
        }

        if (parts[0] == "quit")
        {
            return false;
        }

        VirtualKiosk? kiosk = parts.Length >= 2 ? FindKiosk(parts[1]) : null;
        if (kiosk is not null)
        {
            KioskCommand(kiosk, parts, line);
            return true;
        }

        VirtualPendant? device = parts.Length == 2 ? Find(parts[1]) : null;
        if (device is null)
        {
            Log($"unknown command or device: '{Eldercare.Firmware.Core.Text.LogText.Untrusted(line.Trim(), 80)}' (use: {Usage})");
            return true;
        }

        long at = device.Clock.UtcNowUnixMilliseconds;
        switch (parts[0])
        {
            case "sos":
                device.PressSos();
                Log($"SOS pressed on {device.DeviceId} at={at} (held 3 s)");
                break;
            case "cancel":
                device.PressCancel();
                Log($"cancel pressed on {device.DeviceId} at={at}");
                break;
            case "wander":
                Log(device.Wander()
                    ? $"{device.DeviceId} starts the recorded walk at={at} (the geofence decides; 100 m zone: alarm ~170 s in)"
                    : $"{device.DeviceId} has no GNSS module (run with --gnss-log)");
                break;
            case "quiet":
                device.GoQuiet();
                Log($"{device.DeviceId} goes quiet at={at}: worn but still (wellness alarm after {WellnessPeriod(device)} of waking hours)");
                break;
            case "active":
                device.BecomeActive();
                Log($"{device.DeviceId} moves about again at={at} (a pending wellness check is cancelled; after an alarm it re-arms, sending nothing)");
                break;
            case "charge":
                device.PutOnCharger();
                Log($"{device.DeviceId} taken off and put on the charger at={at} (charging event; no wellness alarm while on it)");
                break;
            case "unplug":
                device.TakeOffCharger();
                Log($"{device.DeviceId} off the charger and worn again at={at} (a fresh wellness period starts)");
                break;
            case "fall":
                device.SimulateFall();
                Log($"fall motion played into {device.DeviceId}'s accelerometer at={at} (impact in ~3.4 s; the detector decides)");
                break;
            default:
                Log($"unknown command '{parts[0]}' (use: {Usage})");
                break;
        }

        return true;
    }

    private void KioskCommand(VirtualKiosk kiosk, string[] parts, string line)
    {
        if (parts[0] == "sos" && parts.Length == 2)
        {
            kiosk.PressSos();
            Log($"SOS pressed on kiosk {kiosk.DeviceId} (held 3 s)");
        }
        else if (parts[0] == "card" && parts.Length == 3 && EventCodec.IsValidCardUid(parts[2].ToUpperInvariant()))
        {
            kiosk.TapCard(parts[2]);
            Log($"card ...{parts[2][^4..].ToUpperInvariant()} tapped on kiosk {kiosk.DeviceId}");
        }
        else if (parts[0] == "service" && parts.Length == 3 && ServiceCodes.IsKnown(parts[2]))
        {
            kiosk.PressService(parts[2]);
            Log($"{parts[2]} pressed on kiosk {kiosk.DeviceId}");
        }
        else
        {
            Log($"bad kiosk command '{Eldercare.Firmware.Core.Text.LogText.Untrusted(line.Trim(), 80)}' (use: sos KIOSK | card KIOSK UIDHEX (8, 14 or 20 hex digits) | service KIOSK {ServiceCodes.All.Replace(", ", "|", StringComparison.Ordinal)})");
        }
    }

    private static string WellnessPeriod(VirtualPendant device) =>
        device.WellnessPeriodMinutes is int minutes ? $"{minutes} min" : "never: the check is off";

    public async ValueTask DisposeAsync()
    {
        foreach (VirtualPendant pendant in _devices.Values)
        {
            await pendant.DisposeAsync();
        }

        foreach (VirtualKiosk kiosk in _kiosks.Values)
        {
            await kiosk.DisposeAsync();
        }
    }

    private void ReadCommands(TextReader input, CancellationTokenSource stop)
    {
        while (!stop.IsCancellationRequested)
        {
            string? line = input.ReadLine();
            if (line is null)
            {
                return; // stdin closed (CI, background): keep running until the duration or Ctrl-C.
            }

            if (!Command(line))
            {
                stop.Cancel();
                return;
            }
        }
    }

    private void Log(string message)
    {
        lock (_logLock)
        {
            _log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {message}");
            _log.Flush();
        }
    }
}
