using Eldercare.Edge.Gateway.Registry;
using Eldercare.Firmware.Core.Falls;
using Eldercare.Firmware.Tools.HilRunner;
using Eldercare.TestSupport;
using Eldercare.VirtualDevice;
using Eldercare.VirtualDevice.Hil;

namespace Eldercare.EndToEnd.Tests;

/// <summary>
/// The HIL runner (firmware/tools/HilRunner) end to end: against the host twin on one end of a socat pseudo-terminal
/// pair (the twin's serial listener feeds the core's HIL adapters), with a real gateway and cloud stub; and against a
/// real board when a rig is configured (HIL_PORT), else reported as not run with the reason.
/// </summary>
[TestClass]
public sealed class HilRunnerTests
{
    private const string DeviceId = "pendant-hil-01";

    public TestContext TestContext { get; set; } = null!;

    private static string Datasets => Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "datasets"));

    [TestMethod]
    [TestCategory("EndToEnd")]
    [Timeout(240_000, CooperativeCancellation = true)]
    public async Task Runner_TwinOnPtyPair_DetectsAsTheCoreDoesAndTimesSosAtTheGateway()
    {
        Assert.IsTrue(File.Exists("/usr/bin/socat"), "socat is not installed (test.sh installs it: apt-get install -y socat)");
        using var directory = new TempDirectory("hil");
        string devicePort = directory.File("device-tty");
        string runnerPort = directory.File("runner-tty");
        var socat = ManagedProcess.Start("/usr/bin/socat", ["-d", "-d", $"pty,raw,echo=0,link={devicePort}", $"pty,raw,echo=0,link={runnerPort}"], name: "socat");
        await using (socat)
        {
            await Eventually.WaitAsync(() => File.Exists(devicePort) && File.Exists(runnerPort), TimeSpan.FromSeconds(10), "socat's pty pair");
            await using var system = new SystemUnderTest();
            const string secret = "hil-secret-0123456789abcdef";
            DeviceRegistryFile.Upsert(system.RegistryPath, [SecretHasher.CreateRecord(DeviceId, secret, iterations: 1000)]);
            await system.StartCloudAsync();
            await system.StartGatewayAsync();
            string gnssLog = Path.Combine(Datasets, "gnss", "gnss_lib_py", "pixel6.nmea");
            await using var pendant = new VirtualPendant(new VirtualPendantOptions(DeviceId, secret, "127.0.0.1", system.MqttPort, directory.File("flash"))
            {
                HilWiring = true,
                GnssLog = Eldercare.VirtualDevice.Adapters.NmeaLog.Load(gnssLog),
            });
            using var listener = new SerialHilListener(devicePort, 115200, pendant.Hil!);
            listener.Start();
            pendant.Start();
            await Eventually.WaitAsync(() => pendant.IsConnected, TimeSpan.FromSeconds(30), "the twin connected");

            var options = new HilOptions(runnerPort, DeviceId, new Uri(system.CloudUrl))
            {
                TrialsDirectory = Path.Combine(Datasets, "falls"),
                Subject = "SA01",
                Falls = 2,
                Activities = 2,
                WindowSeconds = 10,
                SettleMilliseconds = 4_000,
                SosPresses = 3,
                GnssLogPath = gnssLog,
                GnssSentences = 40,
            };
            using var output = new StringWriter();
            var (exitCode, report) = await HilCommandLine.RunWithReportAsync(options, output, output, TestContext.CancellationToken);
            TestContext.WriteLine(output.ToString());

            Assert.AreEqual(0, exitCode, output.ToString());
            Assert.IsNotNull(report);
            Assert.IsNull(listener.Failure, listener.Failure);
            Assert.HasCount(4, report.Trials);

            // The twin must decide exactly as the core's detector does on the same samples in the same order.
            IReadOnlyList<TrialWindow> windows = TrialWindows.Select(options.TrialsDirectory, "SA01", 2, 2, 10);
            var detector = new FallDetector(FallDetectorOptions.ForPlacement("waist"));
            for (int t = 0; t < windows.Count; t++)
            {
                bool detected = false;
                for (int i = 0; i < windows[t].X.Length; i++)
                {
                    detected |= detector.AddSample(windows[t].X[i] / 1000f, windows[t].Y[i] / 1000f, windows[t].Z[i] / 1000f);
                }

                Assert.AreEqual(detected, report.Trials[t].Detected, $"trial {windows[t].File}: core offline vs. twin over the pty\n{output}");
                if (detected)
                {
                    // The detector decides ~2 s after the impact (it waits for the lying still); the publish adds ms.
                    Assert.IsInRange(0L, 6_000L, report.Trials[t].DetectionDelayMilliseconds!.Value, output.ToString());
                }
            }

            Assert.IsGreaterThanOrEqualTo(1, report.Detected, "at least one SisFall fall detected over the link\n" + output);
            int samples = windows.Sum(w => w.X.Length);
            StringAssert.Contains(report.DeviceStatus, $"STAT samples={samples} full=0 ", output.ToString());
            StringAssert.Contains(report.DeviceStatus, " sentences=40 presses=3", output.ToString());

            Assert.AreEqual(0, report.SosMissed, output.ToString());
            Assert.HasCount(3, report.SosLatenciesMilliseconds);
            foreach (long latency in report.SosLatenciesMilliseconds)
            {
                // A long press is 2 s by design; the rest is the tick, the MQTT publish and the gateway's store.
                Assert.IsInRange(2_000L, 8_000L, latency, output.ToString());
            }

            StringAssert.Contains(output.ToString(), "hil: trials=4 detected=");
            StringAssert.Contains(output.ToString(), " sos_latency_ms p50=");
        }
    }

    [TestMethod]
    [TestCategory("Hil")]
    [Timeout(600_000, CooperativeCancellation = true)]
    public async Task Runner_RealBoardOnHilPort_DetectsFallsAndDeliversEverySos()
    {
        string? port = Environment.GetEnvironmentVariable("HIL_PORT");
        if (string.IsNullOrEmpty(port))
        {
            Assert.Inconclusive("not run: no HIL rig configured (set HIL_PORT to the board's serial port, HIL_DEVICE to its id, HIL_CLOUD to the cloud stub's URL the rig's gateway forwards to; optional HIL_SOS_GPIO)");
        }

        string device = Environment.GetEnvironmentVariable("HIL_DEVICE") ?? "";
        string cloud = Environment.GetEnvironmentVariable("HIL_CLOUD") ?? "";
        Assert.IsTrue(Uri.TryCreate(cloud, UriKind.Absolute, out Uri? cloudUrl), $"HIL_CLOUD '{cloud}' is not a URL");
        string? gpio = Environment.GetEnvironmentVariable("HIL_SOS_GPIO");
        var options = new HilOptions(port, device, cloudUrl)
        {
            TrialsDirectory = Path.Combine(Datasets, "falls"),
            Subject = "SA01",
            Falls = 5,
            Activities = 5,
            SosPresses = 10,
            SosGpioPin = string.IsNullOrEmpty(gpio) ? null : int.Parse(gpio, System.Globalization.CultureInfo.InvariantCulture),
        };
        using var output = new StringWriter();
        var (exitCode, report) = await HilCommandLine.RunWithReportAsync(options, output, output, TestContext.CancellationToken);
        TestContext.WriteLine(output.ToString());
        Assert.AreEqual(0, exitCode, output.ToString());
        Assert.IsNotNull(report);
        Assert.AreEqual(0, report.SosMissed, output.ToString());
        Assert.IsGreaterThanOrEqualTo(1, report.Detected, output.ToString());
    }
}
