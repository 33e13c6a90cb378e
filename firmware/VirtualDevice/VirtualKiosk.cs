using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Kiosk;
using Eldercare.VirtualDevice.Adapters;

namespace Eldercare.VirtualDevice;

/// <summary>How to build one virtual kiosk.</summary>
public sealed record VirtualKioskOptions(string DeviceId, string Secret, string BrokerHost, int BrokerPort, string DataDirectory)
{
    public int HeartbeatIntervalSeconds { get; init; } = 60;

    public int SessionSeconds { get; init; } = 60;

    public int AckTimeoutMilliseconds { get; init; } = 5_000;

    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(10);
}

/// <summary>
/// A community kiosk on the host: the firmware core's <see cref="KioskApp"/> wired to host adapters (a card reader a
/// script taps, buttons a script presses, a display that records) and driven by its own loop thread.
/// </summary>
public sealed class VirtualKiosk : IAsyncDisposable
{
    private readonly VirtualKioskOptions _options;
    private readonly SystemClock _clock;
    private readonly MqttNetLink _link;
    private readonly ScriptedButton _sos;
    private readonly ScriptedButton[] _services;
    private readonly KioskApp _app;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _loop;
    private readonly object _tickLock = new();

    public VirtualKiosk(VirtualKioskOptions options)
    {
        _options = options;
        _clock = new SystemClock(0);
        var storage = new FileStorage(Path.Combine(options.DataDirectory, options.DeviceId));
        _link = new MqttNetLink(new MqttLinkOptions(options.BrokerHost, options.BrokerPort, options.DeviceId, options.Secret));
        _sos = new ScriptedButton(_clock);
        _services = Enumerable.Range(0, ServiceCodes.Count).Select(_ => new ScriptedButton(_clock)).ToArray();
        CardReader = new ScriptedCardReader(_clock);
        Display = new RecordingKioskDisplay();
        Buzzer = new RecordingIndicator();
        var kiosk = new KioskOptions(options.DeviceId)
        {
            HeartbeatIntervalSeconds = options.HeartbeatIntervalSeconds,
            SessionSeconds = options.SessionSeconds,
            AckTimeoutMilliseconds = options.AckTimeoutMilliseconds,
        };
        string? problem = kiosk.Validate();
        if (problem is not null)
        {
            throw new ArgumentException($"kiosk {options.DeviceId}: {problem}", nameof(options));
        }

        _app = new KioskApp(kiosk, new KioskHardware(_clock, storage, _link, _sos, _services, CardReader, Display, Buzzer)
        {
            Radio = new SimulatedRadio(() => _link.IsConnected, options.DeviceId.GetHashCode(StringComparison.Ordinal)),
        });
        _link.ConnectFailed += reason => ConnectFailed?.Invoke(reason);
        _loop = new Thread(RunLoop) { IsBackground = true, Name = "kiosk " + options.DeviceId };
    }

    public event Action<string>? ConnectFailed;

    public string DeviceId => _options.DeviceId;

    public int BootEpoch => _app.BootEpoch;

    public ScriptedCardReader CardReader { get; }

    public RecordingKioskDisplay Display { get; }

    public RecordingIndicator Buzzer { get; }

    public bool IsConnected => _link.IsConnected;

    public KioskApp App => _app;

    public void Start()
    {
        _app.Start();
        _link.Start();
        _loop.Start();
    }

    /// <summary>Taps a card (its UID as hex, 8, 14 or 20 digits) on the reader.</summary>
    public void TapCard(string uidHex) => CardReader.Tap(Convert.FromHexString(uidHex));

    /// <summary>Presses the button of a 六助 service (a <see cref="ServiceCodes"/> code).</summary>
    public void PressService(string service)
    {
        for (int i = 0; i < ServiceCodes.Count; i++)
        {
            if (ServiceCodes.ByButton(i) == service)
            {
                _services[i].Hold(200);
                return;
            }
        }

        throw new ArgumentException($"unknown service '{service}': one of {ServiceCodes.All}", nameof(service));
    }

    /// <summary>Holds the SOS button past its long-press time.</summary>
    public void PressSos() => _sos.Hold(VirtualPendant.SosHoldMilliseconds);

    public void PowerCut()
    {
        _stop.Cancel();
        _link.Abort();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop.IsAlive)
        {
            _loop.Join();
        }

        await _link.DisposeAsync();
        _stop.Dispose();
    }

    private void RunLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            lock (_tickLock)
            {
                _app.Tick();
            }

            _stop.Token.WaitHandle.WaitOne(_options.TickInterval);
        }
    }
}
