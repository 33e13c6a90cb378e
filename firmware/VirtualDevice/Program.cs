using System.CommandLine;
using Eldercare.VirtualDevice;

// Host twin CLI: provision a list of devices, then run them against a gateway.
//   provision --count 20 --prefix pendant --out devices.csv
//   run --broker 127.0.0.1:1883 --devices devices.csv --data-dir data/devices [--cloud http://127.0.0.1:5080] [--sos pendant-0001 --sos-after-seconds 5]
// While running, stdin takes commands: "sos <id>", "cancel <id>", "fall <id>", "wander <id>" (a watch, with --gnss-log),
// "quiet <id>" / "active <id>" (wellness), "charge <id>" / "unplug <id>" (charger), "powercut <id>" / "poweron <id>",
// kiosks "card <kiosk> <uid hex>", "service <kiosk> meal", "sos <kiosk>", "ack <event id>" (at the cloud stub), "quit".
//   smoke --broker 127.0.0.1:1883 --cloud http://127.0.0.1:5080 --devices devices.csv --data-dir data/smoke
// plays every flow (sos, fall, kiosk, geofence, wellness, offline, ack) and checks each at the cloud stub and on the
// devices: one line "smoke: <flow> PASS|FAIL (...)" each, exit 0 only when all pass.
var countOption = new Option<int>("--count") { Description = "How many devices", DefaultValueFactory = _ => 20 };
var prefixOption = new Option<string>("--prefix") { Description = "Device id prefix", DefaultValueFactory = _ => "pendant" };
var outOption = new Option<string>("--out") { Description = "Device list to write (CSV: device_id,secret)", Required = true };
var provision = new Command("provision", "Make device ids and random secrets") { countOption, prefixOption, outOption };
provision.SetAction(parse =>
{
    int count = parse.GetValue(countOption);
    if (count < 1 || count > 100_000)
    {
        Console.Error.WriteLine("error: --count must be 1..100000");
        return 2;
    }

    string prefix = parse.GetValue(prefixOption)!;
    DeviceList.Save(parse.GetValue(outOption)!, DeviceList.Generate(prefix, count));
    Console.WriteLine($"provisioned {count} devices into {parse.GetValue(outOption)}");
    return 0;
});

var brokerOption = new Option<string>("--broker") { Description = "Gateway MQTT endpoint host:port", DefaultValueFactory = _ => "127.0.0.1:1883" };
var devicesOption = new Option<string>("--devices") { Description = "Device list (CSV: device_id,secret)", Required = true };
var dataOption = new Option<string>("--data-dir") { Description = "Where each device keeps its flash (outbox, boot epoch)", DefaultValueFactory = _ => "data/devices" };
var heartbeatOption = new Option<int>("--heartbeat-seconds") { Description = "Heartbeat period", DefaultValueFactory = _ => 60 };
var sosOption = new Option<string?>("--sos") { Description = "Press SOS on this device once" };
var sosAfterOption = new Option<int>("--sos-after-seconds") { Description = "When to press --sos, after all devices connected", DefaultValueFactory = _ => 3 };
var gnssLogOption = new Option<string?>("--gnss-log") { Description = "Recorded NMEA walk for every device's GNSS module (e.g. ../shared/datasets/gnss/gnss_lib_py/pixel6.nmea); 'wander ID' plays it" };
var wellnessOption = new Option<int?>("--wellness-minutes") { Description = "Wellness period of every wearable, minutes (default: the core's 180); 1-2 for a demo of 'quiet ID'" };
var wakingOption = new Option<string?>("--waking-hours") { Description = "Waking hours, local China time, HH:MM-HH:MM (default 07:00-22:00; 00:00-24:00 for all day)" };
var cloudOption = new Option<string?>("--cloud") { Description = "The cloud stub's base URL, for 'ack EVENT_ID' (an operator's acknowledgement)" };
var radioOption = new Option<string?>("--radio-delays") { Description = "Run the wearables' radio schedule (radio off between sends, up at once for an alarm; firmware/README.md 'Power') with these modelled delays: wake,association,dhcp,mqtt in ms, e.g. 150,700,300,100 (the datasheet figures, Core/Power/RadioTimings)" };
var durationOption = new Option<int>("--duration-seconds") { Description = "Stop after this long (0 = until Ctrl-C or 'quit')", DefaultValueFactory = _ => 0 };
var run = new Command("run", "Run the devices of a list against a gateway")
{
    brokerOption, devicesOption, dataOption, heartbeatOption, sosOption, sosAfterOption, durationOption, gnssLogOption,
    wellnessOption, wakingOption, cloudOption, radioOption,
};
run.SetAction(async (parse, cancel) =>
{
    if (!CliArguments.TryBroker(parse.GetValue(brokerOption)!, out string host, out int port)
        || !CliArguments.TryDevices(parse.GetValue(devicesOption)!, out IReadOnlyList<DeviceCredentials> devices)
        || !CliArguments.TryCloud(parse.GetValue(cloudOption), out Uri? cloudUrl))
    {
        return 2;
    }

    IReadOnlyList<Eldercare.VirtualDevice.Adapters.NmeaLogLine>? gnssLog = null;
    string? gnssPath = parse.GetValue(gnssLogOption);
    if (gnssPath is not null)
    {
        if (!File.Exists(gnssPath))
        {
            Console.Error.WriteLine($"error: --gnss-log '{gnssPath}' does not exist");
            return 2;
        }

        gnssLog = Eldercare.VirtualDevice.Adapters.NmeaLog.Load(gnssPath);
    }

    int? wellnessMinutes = parse.GetValue(wellnessOption);
    if (wellnessMinutes is < 1 or > 720)
    {
        Console.Error.WriteLine("error: --wellness-minutes must be 1..720");
        return 2;
    }

    (int From, int Until)? waking = null;
    string? wakingText = parse.GetValue(wakingOption);
    if (wakingText is not null)
    {
        if (!Eldercare.Firmware.Core.Wellness.WakingHours.TryParseRange(wakingText, out int from, out int until))
        {
            Console.Error.WriteLine($"error: --waking-hours '{wakingText}' is not HH:MM-HH:MM");
            return 2;
        }

        waking = (from, until);
    }

    Eldercare.VirtualDevice.Adapters.RadioDelays? radio = null;
    string? radioText = parse.GetValue(radioOption);
    if (radioText is not null)
    {
        try
        {
            radio = Eldercare.VirtualDevice.Adapters.RadioDelays.Parse(radioText);
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine("error: --radio-delays: " + ex.Message);
            return 2;
        }
    }

    var settings = new CommunitySettings(host, port, parse.GetValue(dataOption)!)
    {
        Radio = radio,
        WellnessMinutes = wellnessMinutes,
        WakingHours = waking,
        HeartbeatIntervalSeconds = parse.GetValue(heartbeatOption),
        GnssLog = gnssLog,
    };
    await using var community = new Community(settings, devices, Console.Out);
    using var cloud = cloudUrl is null ? null : new Eldercare.VirtualDevice.Cloud.CloudStubClient(cloudUrl);
    return await new CommunityConsole(community, cloud).RunAsync(
        parse.GetValue(sosOption), TimeSpan.FromSeconds(parse.GetValue(sosAfterOption)), TimeSpan.FromSeconds(parse.GetValue(durationOption)), Console.In, cancel);
});

var smokeCloudOption = new Option<string>("--cloud") { Description = "The cloud stub's base URL", Required = true };
var smokeDataOption = new Option<string>("--data-dir") { Description = "Where each device keeps its flash", DefaultValueFactory = _ => "data/smoke" };
var gatewayIdOption = new Option<string>("--gateway-id") { Description = "The gateway's id (Gateway:Forwarder:GatewayId): the dev of its device_offline", DefaultValueFactory = _ => "gw-01" };
var smokeHeartbeatOption = new Option<int>("--heartbeat-seconds") { Description = "Heartbeat period (the gateway's Gateway:DeviceHealth:HeartbeatIntervalSeconds)", DefaultValueFactory = _ => 5 };
var smokeWellnessOption = new Option<int>("--wellness-minutes") { Description = "Wellness period of every wearable, minutes", DefaultValueFactory = _ => 1 };
var timeoutOption = new Option<int>("--timeout-seconds") { Description = "Time every flow has, from the start of the flows", DefaultValueFactory = _ => 150 };
var logOption = new Option<string>("--log") { Description = "Where the devices' lines go (what they show, what was delivered)", DefaultValueFactory = _ => "smoke-devices.log" };
var smoke = new Command("smoke", "Play every flow against a running gateway and cloud stub and check each (one 'smoke: <flow> PASS|FAIL' line per flow)")
{
    brokerOption, devicesOption, smokeDataOption, smokeCloudOption, gatewayIdOption, smokeHeartbeatOption, smokeWellnessOption, timeoutOption, logOption,
};
smoke.SetAction(async (parse, cancel) =>
{
    if (!CliArguments.TryBroker(parse.GetValue(brokerOption)!, out string host, out int port)
        || !CliArguments.TryDevices(parse.GetValue(devicesOption)!, out IReadOnlyList<DeviceCredentials> devices)
        || !CliArguments.TryCloud(parse.GetValue(smokeCloudOption), out Uri? cloudUrl))
    {
        return 2;
    }

    int wellness = parse.GetValue(smokeWellnessOption);
    int heartbeat = parse.GetValue(smokeHeartbeatOption);
    int timeout = parse.GetValue(timeoutOption);
    if (wellness is < 1 or > 720 || heartbeat is < 1 or > 3600 || timeout is < 10 or > 3600)
    {
        Console.Error.WriteLine("error: --wellness-minutes must be 1..720, --heartbeat-seconds 1..3600, --timeout-seconds 10..3600");
        return 2;
    }

    var options = new Eldercare.VirtualDevice.Smoke.SmokeOptions(host, port, cloudUrl!, parse.GetValue(smokeDataOption)!, parse.GetValue(gatewayIdOption)!)
    {
        HeartbeatIntervalSeconds = heartbeat,
        WellnessMinutes = wellness,
        Timeout = TimeSpan.FromSeconds(timeout),
    };
    await using var log = new StreamWriter(parse.GetValue(logOption)!, append: false);
    TextWriter deviceLog = TextWriter.Synchronized(log);
    return await new Eldercare.VirtualDevice.Smoke.SmokeRunner(options, devices, Console.Out, deviceLog).RunAsync(cancel);
});

var serialOption = new Option<string>("--serial") { Description = "Serial port the HIL runner talks to (in CI one end of a socat pty pair)", Required = true };
var baudOption = new Option<int>("--baud") { Description = "Baud rate of the serial link", DefaultValueFactory = _ => 115200 };
var hil = new Command("hil", "Run the first device of a list as a HIL target: samples, sentences and SOS from the serial link (firmware/README.md, 'HIL serial protocol')")
{
    brokerOption, devicesOption, dataOption, serialOption, baudOption, gnssLogOption, durationOption,
};
hil.SetAction(async (parse, cancel) =>
{
    if (!CliArguments.TryBroker(parse.GetValue(brokerOption)!, out string host, out int port)
        || !CliArguments.TryDevices(parse.GetValue(devicesOption)!, out IReadOnlyList<DeviceCredentials> devices))
    {
        return 2;
    }

    string? gnssPath = parse.GetValue(gnssLogOption);
    if (gnssPath is not null && !File.Exists(gnssPath))
    {
        Console.Error.WriteLine($"error: --gnss-log '{gnssPath}' does not exist");
        return 2;
    }

    DeviceCredentials device = devices[0];
    await using var pendant = new VirtualPendant(new VirtualPendantOptions(device.DeviceId, device.Secret, host, port, parse.GetValue(dataOption)!)
    {
        HilWiring = true,
        GnssLog = gnssPath is null ? null : Eldercare.VirtualDevice.Adapters.NmeaLog.Load(gnssPath),
    });
    using var listener = new Eldercare.VirtualDevice.Hil.SerialHilListener(parse.GetValue(serialOption)!, parse.GetValue(baudOption), pendant.Hil!);
    try
    {
        listener.Start();
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
    {
        Console.Error.WriteLine($"error: cannot open serial port '{parse.GetValue(serialOption)}': {ex.Message}");
        return 2;
    }

    pendant.Start();
    Console.WriteLine($"hil device {device.DeviceId} on {parse.GetValue(serialOption)}");
    int seconds = parse.GetValue(durationOption);
    try
    {
        await Task.Delay(seconds > 0 ? TimeSpan.FromSeconds(seconds) : Timeout.InfiniteTimeSpan, cancel);
    }
    catch (OperationCanceledException)
    {
    }

    return listener.Failure is null ? 0 : 1;
});

var root = new RootCommand("Eldercare virtual devices (host twin of the pendant firmware)") { provision, run, smoke, hil };
return await root.Parse(args).InvokeAsync();
