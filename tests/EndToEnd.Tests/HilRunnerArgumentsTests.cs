using Eldercare.Firmware.Tools.HilRunner;

namespace Eldercare.EndToEnd.Tests;

/// <summary>The HIL runner's checks and figures that need no device: options, the report's percentiles, its failures.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class HilRunnerArgumentsTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Validate_ManyBadValues_ListsEveryProblem()
    {
        var options = new HilOptions("", "Bad_Id", new Uri("ftp://x/"))
        {
            BaudRate = 5,
            TrialsDirectory = "/nonexistent/trials",
            WindowSeconds = 2,
            SosPresses = -1,
            GnssLogPath = "/nonexistent/log.nmea",
            TimeoutSeconds = 0,
        };

        IReadOnlyList<string> problems = options.Validate();

        Assert.HasCount(9, problems, string.Join("\n", problems));
        Assert.Contains("--device 'Bad_Id' is not a valid device id", problems);
        Assert.Contains("--window-seconds must be 0 (whole trial) or 4..600", problems);
    }

    [TestMethod]
    public async Task RunAsync_BadArguments_Exit2WithTheProblems()
    {
        using var error = new StringWriter();

        int code = await HilCommandLine.RunAsync(new HilOptions("/dev/null", "pendant-1", new Uri("http://127.0.0.1:1/")) { BaudRate = 1 }, TextWriter.Null, error, TestContext.CancellationToken);

        Assert.AreEqual(2, code);
        StringAssert.Contains(error.ToString(), "error: --baud must be 1200..3000000");
    }

    [TestMethod]
    public async Task RunAsync_PortThatDoesNotExist_Exit1WithTheReason()
    {
        using var error = new StringWriter();

        int code = await HilCommandLine.RunAsync(new HilOptions("/nonexistent/tty", "pendant-1", new Uri("http://127.0.0.1:1/")) { SosPresses = 1 }, TextWriter.Null, error, TestContext.CancellationToken);

        Assert.AreEqual(1, code);
        StringAssert.Contains(error.ToString(), "error: cannot open serial port '/nonexistent/tty'");
    }

    [TestMethod]
    [DataRow(50, 300L)]
    [DataRow(99, 900L)]
    [DataRow(100, 900L)]
    [DataRow(1, 100L)]
    public void SosPercentile_NearestRank(int percent, long expected)
    {
        var report = new HilReport();
        report.SosLatenciesMilliseconds.AddRange([900, 100, 300, 200, 400]);

        Assert.AreEqual(expected, report.SosPercentile(percent));
    }

    [TestMethod]
    public void Summary_CountsDetectionsAndFalseAlarmsApart()
    {
        var report = new HilReport { SosMissed = 1 };
        report.Trials.Add(new TrialOutcome("F1", IsFall: true, 500, Detected: true, 2100));
        report.Trials.Add(new TrialOutcome("F2", IsFall: true, 500, Detected: false, null));
        report.Trials.Add(new TrialOutcome("D1", IsFall: false, 500, Detected: true, 1500));

        Assert.AreEqual("hil: trials=3 detected=1/2 false_alarms=1 sos=0 missed=1 gnss_sentences=0 sos_latency_ms p50=n/a p99=n/a", report.Summary());
    }
}
