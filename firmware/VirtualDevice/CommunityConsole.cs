using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Kiosk;
using Eldercare.Firmware.Core.Text;
using Eldercare.VirtualDevice.Cloud;

namespace Eldercare.VirtualDevice;

/// <summary>
/// The demo's console: runs a <see cref="Community"/> until a duration, Ctrl-C or "quit", and turns typed lines into
/// what happens to the devices (buttons, falls, walks, stillness, the charger, power) or at the platform (an operator's
/// acknowledgement at the cloud stub, which the gateway carries back to the device).
/// </summary>
public sealed class CommunityConsole
{
    /// <summary>The role an acknowledgement typed here carries to the device.</summary>
    public const string OperatorRole = "center";

    private const string Usage = "sos ID | cancel ID | fall ID | wander ID | quiet ID | active ID | charge ID | unplug ID | powercut ID | poweron ID | card KIOSK UIDHEX | service KIOSK meal|clean|bath|medical|travel|shop | sos KIOSK | ack EVENT_ID | config ID ver=N [hb=S] [cancel=S] [remind=S] [wake=HH:MM-HH:MM] [idle=MIN] [zones=c,LAT,LON,M] [lowbat=%] [session=S] | quit";

    private readonly Community _community;
    private readonly CloudStubClient? _cloud;

    public CommunityConsole(Community community, CloudStubClient? cloud)
    {
        _community = community;
        _cloud = cloud;
    }

    /// <summary>Runs until the duration ends, Ctrl-C, or "quit" on the input. Returns the exit code.</summary>
    public async Task<int> RunAsync(string? sosDeviceId, TimeSpan sosAfter, TimeSpan duration, TextReader input, CancellationToken cancel)
    {
        if (sosDeviceId is not null && _community.Find(sosDeviceId) is null && _community.FindKiosk(sosDeviceId) is null)
        {
            _community.Log($"error: --sos device '{sosDeviceId}' is not in the device list");
            return 2;
        }

        _community.StartAll();
        bool connected = await _community.WaitAllConnectedAsync(TimeSpan.FromSeconds(30), cancel);
        _community.Log(connected ? $"all {_community.Count} devices connected" : "warning: not every device connected within 30 s (still retrying)");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (duration > TimeSpan.Zero)
        {
            stop.CancelAfter(duration);
        }

        if (sosDeviceId is not null)
        {
            _ = Task.Delay(sosAfter, stop.Token).ContinueWith(t => { if (!t.IsCanceled) { Execute("sos " + sosDeviceId); } }, TaskScheduler.Default);
        }

        _ = Task.Run(() => ReadCommands(input, stop), CancellationToken.None);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        _community.Log("stopping devices");
        return 0;
    }

    /// <summary>One console command (<see cref="Usage"/>). Returns false for "quit".</summary>
    public bool Execute(string line)
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

        if (parts[0] == "ack" && parts.Length == 2)
        {
            _ = AcknowledgeAsync(parts[1]);
            return true;
        }

        if (parts[0] == "config" && parts.Length >= 3)
        {
            _ = ConfigureAsync(parts[1], parts[2..]);
            return true;
        }

        VirtualKiosk? kiosk = parts.Length >= 2 ? _community.FindKiosk(parts[1]) : null;
        if (kiosk is not null)
        {
            KioskCommand(kiosk, parts, line);
            return true;
        }

        if (parts.Length == 2 && PowerCommand(parts[0], parts[1]))
        {
            return true;
        }

        VirtualPendant? device = parts.Length == 2 ? _community.Find(parts[1]) : null;
        if (device is null)
        {
            _community.Log($"unknown command or device: '{LogText.Untrusted(line.Trim(), 80)}' (use: {Usage})");
            return true;
        }

        if (_community.IsPoweredOff(device.DeviceId))
        {
            _community.Log($"{device.DeviceId} has no power (type 'poweron {device.DeviceId}')");
            return true;
        }

        WearableCommand(device, parts[0]);
        return true;
    }

    private void WearableCommand(VirtualPendant device, string verb)
    {
        long at = device.Clock.UtcNowUnixMilliseconds;
        switch (verb)
        {
            case "sos":
                device.PressSos();
                _community.Log($"SOS pressed on {device.DeviceId} at={at} (held 3 s)");
                break;
            case "cancel":
                device.PressCancel();
                _community.Log($"cancel pressed on {device.DeviceId} at={at}");
                break;
            case "wander":
                _community.Log(device.Wander()
                    ? $"{device.DeviceId} starts its walk at={at} (the geofence decides; 100 m zone around the walk's start)"
                    : $"{device.DeviceId} has no GNSS module (only watches have one, and only with --gnss-log)");
                break;
            case "quiet":
                device.GoQuiet();
                _community.Log($"{device.DeviceId} goes quiet at={at}: worn but still (wellness alarm after {WellnessPeriod(device)} of waking hours)");
                break;
            case "active":
                device.BecomeActive();
                _community.Log($"{device.DeviceId} moves about again at={at} (a pending wellness check is cancelled; after an alarm it re-arms, sending nothing)");
                break;
            case "charge":
                device.PutOnCharger();
                _community.Log($"{device.DeviceId} taken off and put on the charger at={at} (charging event; no wellness alarm while on it)");
                break;
            case "unplug":
                device.TakeOffCharger();
                _community.Log($"{device.DeviceId} off the charger and worn again at={at} (a fresh wellness period starts)");
                break;
            case "fall":
                device.SimulateFall();
                _community.Log($"fall motion played into {device.DeviceId}'s accelerometer at={at} (impact in ~3.4 s; the detector decides)");
                break;
            default:
                _community.Log($"unknown command '{LogText.Untrusted(verb, 20)}' (use: {Usage})");
                break;
        }
    }

    private bool PowerCommand(string verb, string deviceId)
    {
        if (verb == "powercut")
        {
            if (!_community.PowerCut(deviceId))
            {
                _community.Log($"powercut: '{LogText.Untrusted(deviceId, 40)}' is not a wearable with power on");
            }

            return true;
        }

        if (verb == "poweron")
        {
            if (!_community.PowerOn(deviceId))
            {
                _community.Log($"poweron: '{LogText.Untrusted(deviceId, 40)}' is not a wearable whose power was cut");
            }

            return true;
        }

        return false;
    }

    private void KioskCommand(VirtualKiosk kiosk, string[] parts, string line)
    {
        if (parts[0] == "sos" && parts.Length == 2)
        {
            kiosk.PressSos();
            _community.Log($"SOS pressed on kiosk {kiosk.DeviceId} (held 3 s)");
        }
        else if (parts[0] == "card" && parts.Length == 3 && EventCodec.IsValidCardUid(parts[2].ToUpperInvariant()))
        {
            kiosk.TapCard(parts[2]);
            _community.Log($"card ...{parts[2][^4..].ToUpperInvariant()} tapped on kiosk {kiosk.DeviceId}");
        }
        else if (parts[0] == "service" && parts.Length == 3 && ServiceCodes.IsKnown(parts[2]))
        {
            kiosk.PressService(parts[2]);
            _community.Log($"{parts[2]} pressed on kiosk {kiosk.DeviceId}");
        }
        else
        {
            _community.Log($"bad kiosk command '{LogText.Untrusted(line.Trim(), 80)}' (use: sos KIOSK | card KIOSK UIDHEX (8, 14 or 20 hex digits) | service KIOSK {ServiceCodes.All.Replace(", ", "|", StringComparison.Ordinal)})");
        }
    }

    /// <summary>An operator's acknowledgement at the cloud stub (the platform's side); the gateway's long poll takes it to the device.</summary>
    private async Task AcknowledgeAsync(string eventId)
    {
        string shown = LogText.Untrusted(eventId, 80);
        if (_cloud is null)
        {
            _community.Log($"ack {shown}: no cloud stub to acknowledge at (run with --cloud URL)");
            return;
        }

        try
        {
            AcknowledgementOutcome outcome = await _cloud.AcknowledgeAsync(eventId, OperatorRole, CancellationToken.None);
            _community.Log(outcome.Accepted
                ? $"ack {shown}: acknowledged at the cloud stub by {OperatorRole}{(outcome.Status == System.Net.HttpStatusCode.OK ? " (already acknowledged: harmless)" : string.Empty)}; on its way to the device"
                : $"ack {shown}: refused by the cloud stub: {(int)outcome.Status} {LogText.Untrusted(outcome.Body, 200)}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            _community.Log($"ack {shown}: the cloud stub at {_cloud.BaseUrl} did not answer: {ex.GetBaseException().Message}");
        }
    }

    /// <summary>An operator at the platform sets a device's settings: <c>config watch-0001 ver=2 idle=60 wake=08:00-20:00</c>.</summary>
    private async Task ConfigureAsync(string deviceId, string[] settings)
    {
        string shown = LogText.Untrusted(deviceId, 40);
        if (_cloud is null)
        {
            _community.Log($"config {shown}: no cloud stub to configure at (run with --cloud URL)");
            return;
        }

        var body = new Dictionary<string, object>(StringComparer.Ordinal) { ["by"] = OperatorRole };
        foreach (string setting in settings)
        {
            string[] pair = setting.Split('=', 2);
            if (pair.Length != 2 || pair[0].Length == 0)
            {
                _community.Log($"config {shown}: '{LogText.Untrusted(setting, 40)}' is not key=value (use: {Usage})");
                return;
            }

            body[pair[0]] = pair[0] is "wake" or "zones" || !long.TryParse(pair[1], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long number)
                ? pair[1] : number;
        }

        try
        {
            AcknowledgementOutcome outcome = await _cloud.ConfigureAsync(deviceId, body, CancellationToken.None);
            _community.Log(outcome.Accepted
                ? $"config {shown}: queued at the cloud stub{(outcome.Status == System.Net.HttpStatusCode.OK ? " (already sent: harmless)" : string.Empty)}; the device answers config_applied or config_rejected"
                : $"config {shown}: refused by the cloud stub: {(int)outcome.Status} {LogText.Untrusted(outcome.Body, 200)}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            _community.Log($"config {shown}: the cloud stub at {_cloud.BaseUrl} did not answer: {ex.GetBaseException().Message}");
        }
    }

    private static string WellnessPeriod(VirtualPendant device) =>
        device.WellnessPeriodMinutes is int minutes ? $"{minutes} min" : "never: the check is off";

    private void ReadCommands(TextReader input, CancellationTokenSource stop)
    {
        while (!stop.IsCancellationRequested)
        {
            string? line = input.ReadLine();
            if (line is null)
            {
                return; // stdin closed (CI, background): keep running until the duration or Ctrl-C.
            }

            if (!Execute(line))
            {
                stop.Cancel();
                return;
            }
        }
    }
}
