using System.CommandLine;
using Eldercare.Firmware.Tools.FallEval;
using Eldercare.Firmware.Tools.HilRunner;

// Hardware-in-the-loop runner (firmware/README.md, "Hardware-in-the-loop runner"):
//   HilRunner --port /dev/ttyUSB0 --device pendant-0001 --cloud http://127.0.0.1:5080 --trials ../shared/datasets/falls --subject SA01
// Ends with one line "hil: trials=N detected=M/F false_alarms=K sos=P missed=Q ... sos_latency_ms p50=.. p99=..";
// exit 0 when the run completed, 1 when the device did not answer, 2 for bad arguments.
var portOption = new Option<string>("--port") { Description = "Serial port of the device (COM5, /dev/ttyUSB0, or a socat pty)", Required = true };
var baudOption = new Option<int>("--baud") { Description = "Baud rate", DefaultValueFactory = _ => 115200 };
var deviceOption = new Option<string>("--device") { Description = "The device's id (as registered at the gateway)", Required = true };
var cloudOption = new Option<string>("--cloud") { Description = "The cloud stub's base URL, where the gateway's events are observed", Required = true };
var trialsOption = new Option<string?>("--trials") { Description = "Data set folder with trials.csv (../shared/datasets/falls, ../shared/datasets/umafall/waist)" };
var subjectOption = new Option<string?>("--subject") { Description = "Only this subject's trials (e.g. SA01)" };
var fallsOption = new Option<int>("--falls") { Description = "How many fall trials (the first in the index)", DefaultValueFactory = _ => 2 };
var adlsOption = new Option<int>("--adls") { Description = "How many activity (ADL) trials", DefaultValueFactory = _ => 2 };
var windowOption = new Option<int>("--window-seconds") { Description = "Replay this many seconds around each trial's peak (0 = whole trial)", DefaultValueFactory = _ => 0 };
var settleOption = new Option<int>("--settle-ms") { Description = "How long after a trial a fall event may still arrive", DefaultValueFactory = _ => 5_000 };
var sosOption = new Option<int>("--sos-presses") { Description = "How many SOS presses to time", DefaultValueFactory = _ => 3 };
var gpioOption = new Option<int?>("--sos-gpio") { Description = "Rig GPIO line wired to the SOS button (driven low to press); default: the serial SOS command" };
var gnssOption = new Option<string?>("--gnss") { Description = "Recorded NMEA log to replay (../shared/datasets/gnss/...)" };
var gnssCountOption = new Option<int>("--gnss-sentences") { Description = "How many of its sentences", DefaultValueFactory = _ => 50 };
var timeoutOption = new Option<int>("--timeout-seconds") { Description = "How long to wait for a reply or an event", DefaultValueFactory = _ => 30 };
var root = new RootCommand("Hardware-in-the-loop runner: replays trials and GNSS tracks into a device over its serial link, presses SOS, observes the gateway")
{
    portOption, baudOption, deviceOption, cloudOption, trialsOption, subjectOption, fallsOption, adlsOption, windowOption, settleOption,
    sosOption, gpioOption, gnssOption, gnssCountOption, timeoutOption,
};
root.SetAction(async (parse, cancel) =>
{
    if (!Uri.TryCreate(parse.GetValue(cloudOption), UriKind.Absolute, out Uri? cloudUrl))
    {
        Console.Error.WriteLine($"error: --cloud '{parse.GetValue(cloudOption)}' is not an absolute URL");
        return 2;
    }

    var options = new HilOptions(parse.GetValue(portOption)!, parse.GetValue(deviceOption)!, cloudUrl)
    {
        BaudRate = parse.GetValue(baudOption),
        TrialsDirectory = parse.GetValue(trialsOption),
        Subject = parse.GetValue(subjectOption),
        Falls = parse.GetValue(fallsOption),
        Activities = parse.GetValue(adlsOption),
        WindowSeconds = parse.GetValue(windowOption),
        SettleMilliseconds = parse.GetValue(settleOption),
        SosPresses = parse.GetValue(sosOption),
        SosGpioPin = parse.GetValue(gpioOption),
        GnssLogPath = parse.GetValue(gnssOption),
        GnssSentences = parse.GetValue(gnssCountOption),
        TimeoutSeconds = parse.GetValue(timeoutOption),
    };
    return await HilCommandLine.RunAsync(options, Console.Out, Console.Error, cancel);
});
return await root.Parse(args).InvokeAsync();
