using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Geofence;
using Eldercare.Firmware.Core.Gnss;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Outbox;
using Eldercare.Firmware.Core.Wellness;
using Eldercare.VirtualDevice.Adapters;

namespace Eldercare.VirtualDevice;

/// <summary>How to build one virtual wearable.</summary>
public sealed record VirtualPendantOptions(string DeviceId, string Secret, string BrokerHost, int BrokerPort, string DataDirectory)
{
    public int HeartbeatIntervalSeconds { get; init; } = 60;

    public int CancelWindowMilliseconds { get; init; } = 20_000;

    public int AckTimeoutMilliseconds { get; init; } = 5_000;

    /// <summary>"waist" by default: the simulated motion uses the waist data set's axes (see SimulatedMotion).</summary>
    public string Placement { get; init; } = "waist";

    public long ClockSkewMilliseconds { get; init; }

    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// A recorded NMEA log (../shared/datasets/gnss, read by <see cref="NmeaLog"/>, shared by every device) to
    /// use as the watch's GNSS module, with a "home" zone of <see cref="GeofenceRadiusMetres"/> around its first
    /// fix; null for a pendant without GNSS. The replay starts on <see cref="VirtualPendant.Wander"/>; until then
    /// the module is silent (as indoors: after 120 s the watch reports no_position once).
    /// </summary>
    public IReadOnlyList<NmeaLogLine>? GnssLog { get; init; }

    public float GeofenceRadiusMetres { get; init; } = 100f;

    /// <summary>
    /// The wellness period in minutes (null: the core's default, 3 h). A demo sets it short (1-2 min); not worn is then
    /// reported after half of it (the core requires it within the period).
    /// </summary>
    public int? WellnessMinutes { get; init; }

    /// <summary>
    /// HIL test mode wiring (firmware/README.md, "HIL serial protocol"): the app reads its accelerometer, GNSS and SOS
    /// button through the core's HIL adapters, driven by <see cref="VirtualPendant.Hil"/> (a serial listener feeds it).
    /// </summary>
    public bool HilWiring { get; init; }

    /// <summary>
    /// The battery device's radio schedule (firmware/Core/Power): the radio off between sends, up at once for an alarm,
    /// each power-up paying these modelled delays (<see cref="RadioDelays.Default"/>: the datasheet figures). Null (the
    /// default): the link stays up, as before.
    /// </summary>
    public RadioDelays? Radio { get; init; }

    /// <summary>The schedule's settings with <see cref="Radio"/> (null: the core's defaults).</summary>
    public Eldercare.Firmware.Core.Power.RadioScheduleOptions? RadioSchedule { get; init; }

    /// <summary>
    /// The watch's GNSS duty cycle with <see cref="Radio"/> and a <see cref="GnssLog"/> (null: the core's defaults):
    /// the replay is gated by the cycle's power flag. Without <see cref="Radio"/> the module stays on.
    /// </summary>
    public Eldercare.Firmware.Core.Power.GnssDutyCycleOptions? GnssDutyCycle { get; init; }

    /// <summary>Read the accelerometer in batches this often (the sensor's FIFO), 0 for every tick (the core's option).</summary>
    public int AccelerometerBatchMilliseconds { get; init; }

    /// <summary>Waking hours as local minutes of the day (from, until), China time; null: the core's 07:00-22:00.</summary>
    public (int From, int Until)? WakingHours { get; init; }
}

/// <summary>
/// A pendant on the host: the firmware core's <see cref="WearableApp"/> wired to host
/// adapters and driven by its own loop thread, as Main drives it on the ESP32.
/// </summary>
public sealed class VirtualPendant : IAsyncDisposable
{
    private readonly VirtualPendantOptions _options;
    private readonly SystemClock _clock;
    private readonly MqttNetLink _link;
    private readonly ScriptedButton _button;
    private readonly WearableApp _app;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _loop;
    private readonly object _tickLock = new();

    public VirtualPendant(VirtualPendantOptions options)
    {
        _options = options;
        _clock = new SystemClock(options.ClockSkewMilliseconds);
        var storage = new FileStorage(Path.Combine(options.DataDirectory, options.DeviceId));
        _link = new MqttNetLink(new MqttLinkOptions(options.BrokerHost, options.BrokerPort, options.DeviceId, options.Secret) { Radio = options.Radio });
        _button = new ScriptedButton(_clock);
        Indicator = new RecordingIndicator();
        Motion = new SimulatedMotion(seed: options.DeviceId.GetHashCode(StringComparison.Ordinal));
        Battery = new SimulatedBattery(_clock);
        IButton button = _button;
        IAccelerometer accelerometer = Motion;
        Eldercare.Firmware.Core.Hil.HilAccelerometer? hilAccelerometer = null;
        Eldercare.Firmware.Core.Hil.HilButton? hilButton = null;
        if (options.HilWiring)
        {
            hilAccelerometer = new Eldercare.Firmware.Core.Hil.HilAccelerometer(Motion);
            hilButton = new Eldercare.Firmware.Core.Hil.HilButton(_button, _clock);
            accelerometer = hilAccelerometer;
            button = hilButton;
        }

        var hardware = new WearableHardware(_clock, storage, _link, button, Indicator, Battery)
        {
            Accelerometer = accelerometer,
            Radio = new SimulatedRadio(() => _link.IsConnected, options.DeviceId.GetHashCode(StringComparison.Ordinal)),
            RadioPower = options.Radio is null ? null : _link,
        };
        var wearable = new WearableOptions(options.DeviceId)
        {
            HeartbeatIntervalSeconds = options.HeartbeatIntervalSeconds,
            CancelWindowMilliseconds = options.CancelWindowMilliseconds,
            AckTimeoutMilliseconds = options.AckTimeoutMilliseconds,
            Placement = options.Placement,
            RadioSchedule = options.Radio is null ? null : options.RadioSchedule ?? new Eldercare.Firmware.Core.Power.RadioScheduleOptions(),
            AccelerometerBatchMilliseconds = options.AccelerometerBatchMilliseconds,
        };
        if (options.WellnessMinutes is int minutes)
        {
            wearable.Wellness!.InactivityMinutes = minutes;
            wearable.Wellness.NotWornAfterSeconds = Math.Min(wearable.Wellness.NotWornAfterSeconds, Math.Max(30, minutes * 30));
        }

        if (options.WakingHours is (int from, int until))
        {
            wearable.Wellness!.WakingFromMinuteOfDay = from;
            wearable.Wellness.WakingUntilMinuteOfDay = until;
        }
        if (options.GnssLog is not null)
        {
            GnssFix home = ReplayedGnss.FirstValidFix(options.GnssLog)
                ?? throw new ArgumentException($"device {options.DeviceId}: the GNSS log has no valid fix to put a zone around", nameof(options));
            Gnss = new ReplayedGnss(_clock, options.GnssLog);
            hardware.Gnss = Gnss;
            if (options.HilWiring)
            {
                HilGnss = new Eldercare.Firmware.Core.Hil.HilGnssReceiver(Gnss);
                hardware.Gnss = HilGnss;
            }

            wearable.Geofence = new GeofenceOptions();
            wearable.Geofence.AddZone(new CircleZone("home", home.LatitudeE7, home.LongitudeE7, options.GeofenceRadiusMetres));
            if (options.Radio is not null)
            {
                // Battery watch: the module on for a fix window every period, the replay gated by the power flag.
                hardware.GnssPower = Gnss;
                wearable.GnssDutyCycle = options.GnssDutyCycle ?? new Eldercare.Firmware.Core.Power.GnssDutyCycleOptions();
            }
        }

        if (hilAccelerometer is not null && hilButton is not null)
        {
            HilAccelerometer = hilAccelerometer;
            Hil = new Eldercare.Firmware.Core.Hil.HilSession(hilAccelerometer, HilGnss, hilButton, _clock);
        }

        string? problem = wearable.Validate();
        if (problem is not null)
        {
            throw new ArgumentException($"device {options.DeviceId}: {problem}", nameof(options));
        }

        WellnessPeriodMinutes = wearable.Wellness?.InactivityMinutes;
        _app = new WearableApp(wearable, hardware);
        _app.Delivered += (_, entry) => Delivered?.Invoke(entry);
        _link.ConnectFailed += reason => ConnectFailed?.Invoke(reason);
        _loop = new Thread(RunLoop) { IsBackground = true, Name = "device " + options.DeviceId };
    }

    /// <summary>The gateway acknowledged one of this device's events (MQTT thread).</summary>
    public event Action<OutboxEntry>? Delivered;

    public event Action<string>? ConnectFailed;

    public string DeviceId => _options.DeviceId;

    public int BootEpoch => _app.BootEpoch;

    public RecordingIndicator Indicator { get; }

    /// <summary>The accelerometer the fall detector and the wellness check read; script a fall with <see cref="SimulatedMotion.ScriptFall"/>.</summary>
    public SimulatedMotion Motion { get; }

    /// <summary>The battery and charger line (<see cref="PutOnCharger"/>).</summary>
    public SimulatedBattery Battery { get; }

    /// <summary>The wellness period in use, minutes (null when the check is off).</summary>
    public int? WellnessPeriodMinutes { get; }

    /// <summary>The core's wellness check, for its state and counters (null when switched off).</summary>
    public WellnessWatcher? Wellness => _app.Wellness;

    public PersistentOutbox Outbox => _app.Outbox;


    /// <summary>The configuration downlinks: the version running, what was applied or refused and why.</summary>

    public Eldercare.Firmware.Core.Commands.ConfigurationKeeper Configuration => _app.Configuration;

    /// <summary>Downlinks the device refused (not its topic, not decodable), since start.</summary>
    public int CommandsRejected => _app.CommandsRejected;

    /// <summary>The replayed GNSS module, or null without <see cref="VirtualPendantOptions.GnssLog"/>.</summary>
    public ReplayedGnss? Gnss { get; }

    public bool IsConnected => _link.IsConnected;

    /// <summary>The core's radio schedule (sessions, alarm wakes, radio-on time), or null when the link stays up.</summary>
    public Eldercare.Firmware.Core.Power.RadioSchedule? RadioSchedule => _app.Radio;

    /// <summary>The watch's GNSS duty cycle, or null when the module stays on.</summary>
    public Eldercare.Firmware.Core.Power.GnssDutyCycle? GnssDutyCycle => _app.GnssDutyCycle;

    /// <summary>The link: connects, clean disconnects by the schedule, radio-on time with the modelled delays.</summary>
    public MqttNetLink Link => _link;

    /// <summary>The HIL protocol's device side (with <see cref="VirtualPendantOptions.HilWiring"/>), else null.</summary>
    public Eldercare.Firmware.Core.Hil.HilSession? Hil { get; }

    /// <summary>The HIL accelerometer queue (with <see cref="VirtualPendantOptions.HilWiring"/>), else null.</summary>
    public Eldercare.Firmware.Core.Hil.HilAccelerometer? HilAccelerometer { get; }

    /// <summary>The HIL GNSS receiver (with <see cref="VirtualPendantOptions.HilWiring"/> and a GNSS log), else null.</summary>
    public Eldercare.Firmware.Core.Hil.HilGnssReceiver? HilGnss { get; }

    public IClock Clock => _clock;

    /// <summary>Boots the device: bumps its boot epoch, reloads its outbox, starts its link and loop.</summary>
    public void Start()
    {
        _app.Start();
        _link.Start();
        _loop.Start();
    }

    /// <summary>
    /// How long the twin holds SOS: the 2 s long press plus a second. The core reports the long press on the first
    /// tick after 2 s; on a loaded host a tick can come hundreds of ms late, and a release before it would read as a
    /// short press (a 2.3 s hold lost 2 of 10 presses with the test suite and two builds sharing 2 cores).
    /// </summary>
    public const int SosHoldMilliseconds = 3_000;

    /// <summary>Holds the SOS button for the long-press time plus a margin: raises SOS.</summary>
    public void PressSos() => _button.Hold(SosHoldMilliseconds);

    /// <summary>True while a <see cref="PressSos"/> hold lasts (its SOS is raised at 2 s, before the release).</summary>
    public bool SosHeld => _button.IsPressed;

    /// <summary>A short press: cancels the active alarm within its window.</summary>
    public void PressCancel() => _button.Hold(150);

    /// <summary>Plays a fall into the accelerometer: the on-device detector decides, ~2 s after the impact.</summary>
    public void SimulateFall() => Motion.ScriptFall();

    /// <summary>The elder goes quiet: worn but still (tilted, breathing), so the wellness check counts towards an alarm.</summary>
    public void GoQuiet() => Motion.Current = SimulatedMotion.Behaviour.Quiet;

    /// <summary>The elder moves about again (ends <see cref="GoQuiet"/>; re-arms after a wellness alarm, sending nothing).</summary>
    public void BecomeActive() => Motion.Current = SimulatedMotion.Behaviour.Active;

    /// <summary>Takes the device off and puts it on its charger: flat and still, charger line on.</summary>
    public void PutOnCharger()
    {
        Motion.Current = SimulatedMotion.Behaviour.Flat;
        Battery.PutOnCharger();
    }

    /// <summary>Takes it off the charger and puts it back on the elder.</summary>
    public void TakeOffCharger()
    {
        Battery.TakeOffCharger();
        Motion.Current = SimulatedMotion.Behaviour.Active;
    }

    /// <summary>Starts the recorded walk in the GNSS module: the core's geofence decides when the watch has left home.</summary>
    public bool Wander()
    {
        if (Gnss is null)
        {
            return false;
        }

        Gnss.Start();
        return true;
    }

    /// <summary>Raises an event directly (load generation and tests), as the app's own logic would.</summary>
    public int Raise(string type)
    {
        lock (_tickLock)
        {
            if (Eldercare.Firmware.Core.Events.EventTypes.NeedsPosition(type))
            {
                // A geofence event means nothing without a position: a fixed good fix (Weihai, 37.5131 N 122.1204 E).
                var fix = new GnssFix { IsValid = true, HasPosition = true, LatitudeE7 = 375_131_000, LongitudeE7 = 1_221_204_000, Satellites = 9, HdopHundredths = 90, Sentence = GnssFix.FromGga };
                return _app.RaiseWithPosition(type, fix, "zone=home;out=150m");
            }

            return _app.Raise(type, Eldercare.Firmware.Core.Events.DeviceEvent.Absent, Eldercare.Firmware.Core.Events.DeviceEvent.Absent, null);
        }
    }

    /// <summary>Power cut: no DISCONNECT, no flush, the loop stops. The outbox on disk is all that is left.</summary>
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
