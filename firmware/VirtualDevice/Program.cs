using System.CommandLine;
using Eldercare.VirtualDevice;

// Host twin CLI: provision a list of devices, then run them against a gateway.
//   provision --count 20 --prefix pendant --out devices.csv
//   run --broker 127.0.0.1:1883 --devices devices.csv --data-dir data/devices [--sos pendant-0001 --sos-after-seconds 5]
// While running, stdin takes commands: "sos <id>", "cancel <id>", "fall <id>", "wander <id>" (with --gnss-log),
// "quiet <id>" / "active <id>" (wellness), "charge <id>" / "unplug <id>" (charger), "quit".
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
var durationOption = new Option<int>("--duration-seconds") { Description = "Stop after this long (0 = until Ctrl-C or 'quit')", DefaultValueFactory = _ => 0 };
var run = new Command("run", "Run the devices of a list against a gateway")
{
    brokerOption, devicesOption, dataOption, heartbeatOption, sosOption, sosAfterOption, durationOption, gnssLogOption,
    wellnessOption, wakingOption,
};
run.SetAction(async (parse, cancel) =>
{
    string broker = parse.GetValue(brokerOption)!;
    int colon = broker.LastIndexOf(':');
    if (colon <= 0 || !int.TryParse(broker.AsSpan(colon + 1), out int port) || port is < 1 or > 65535)
    {
        Console.Error.WriteLine($"error: --broker '{broker}' is not host:port");
        return 2;
    }

    IReadOnlyList<DeviceCredentials> devices;
    try
    {
        devices = DeviceList.Load(parse.GetValue(devicesOption)!);
    }
    catch (InvalidDataException ex)
    {
        Console.Error.WriteLine("error: " + ex.Message);
        return 2;
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
        if (!WakingHoursText.TryParse(wakingText, out int from, out int until))
        {
            Console.Error.WriteLine($"error: --waking-hours '{wakingText}' is not HH:MM-HH:MM");
            return 2;
        }

        waking = (from, until);
    }

    var settings = new CommunitySettings(broker[..colon], port, parse.GetValue(dataOption)!)
    {
        WellnessMinutes = wellnessMinutes,
        WakingHours = waking,
        HeartbeatIntervalSeconds = parse.GetValue(heartbeatOption),
        GnssLogPath = parse.GetValue(gnssLogOption),
    };
    await using var community = new Community(settings, devices, Console.Out);
    return await community.RunAsync(
        parse.GetValue(sosOption), TimeSpan.FromSeconds(parse.GetValue(sosAfterOption)), TimeSpan.FromSeconds(parse.GetValue(durationOption)), Console.In, cancel);
});

var root = new RootCommand("Eldercare virtual devices (host twin of the pendant firmware)") { provision, run };
return await root.Parse(args).InvokeAsync();
