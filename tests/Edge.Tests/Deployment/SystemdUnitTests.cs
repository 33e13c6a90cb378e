using System.Globalization;
using System.Text.RegularExpressions;

namespace Eldercare.Edge.Tests.Deployment;

/// <summary>deploy/eldercare-gateway.service as systemd itself reads it (systemd-analyze), installed by install.sh.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[TestClass]
[TestCategory("Deployment")]
public sealed partial class SystemdUnitTests
{
    /// <summary>
    /// systemd-analyze security's exposure (0 = locked down, 10 = unprotected) may not rise above this; the unit
    /// scores 1.8 with systemd 252 (edge/README.md "Deployment"). A network server that JITs cannot reach 0: it needs
    /// AF_INET/AF_INET6, W+X memory and its own IPC.
    /// </summary>
    private const double ExposureThreshold = 2.0;

    [TestMethod]
    public void Verify_UnitInstalledByInstallScript_NoFindings()
    {
        var analyze = ScriptRun.Require("systemd-analyze");
        using var root = new TestRoot();
        root.StagePackage("v1", "{}");
        Assert.AreEqual(0, root.Install("--no-start").ExitCode);
        root.AddHostSystemdUnits();

        var verify = ScriptRun.Start(analyze, ["verify", "--root=" + root.RootPath, "eldercare-gateway.service"], TimeSpan.FromMinutes(1));

        Assert.AreEqual(0, verify.ExitCode, verify.All);
        Assert.AreEqual(string.Empty, verify.All.Trim(), "systemd-analyze verify prints nothing for a clean unit");
    }

    [TestMethod]
    [DataRow("WatchdogSec=30", "WatchdogSecs=30", "Unknown key")]
    [DataRow("ExecStart=/opt/eldercare-gateway/Eldercare.Edge.Gateway", "ExecStart=/opt/eldercare-gateway/NoSuchProgram", "is not executable")]
    public void Verify_BrokenUnit_Reported(string original, string broken, string expectedFinding)
    {
        // The check above can fail: the same verification finds a misspelt key and a program that is not there.
        var analyze = ScriptRun.Require("systemd-analyze");
        using var root = new TestRoot();
        root.StagePackage("v1", "{}");
        Assert.AreEqual(0, root.Install("--no-start").ExitCode);
        root.AddHostSystemdUnits();
        var text = File.ReadAllText(root.InstalledUnit);
        StringAssert.Contains(text, original);
        File.WriteAllText(root.InstalledUnit, text.Replace(original, broken, StringComparison.Ordinal));

        var verify = ScriptRun.Start(analyze, ["verify", "--root=" + root.RootPath, "eldercare-gateway.service"], TimeSpan.FromMinutes(1));

        StringAssert.Contains(verify.All, expectedFinding);
    }

    [TestMethod]
    public void Security_ExposureScore_AtMostTheStatedThreshold()
    {
        var analyze = ScriptRun.Require("systemd-analyze");

        var exposure = Exposure(analyze, TestRoot.UnitFile);

        Assert.IsLessThanOrEqualTo(ExposureThreshold, exposure, $"systemd-analyze security exposure {exposure}");
    }

    [TestMethod]
    public void Security_HardeningRemoved_ScoreRisesAboveTheThreshold()
    {
        // The score is computed, not assumed: the same unit without its sandboxing lines scores worse than the threshold.
        var analyze = ScriptRun.Require("systemd-analyze");
        using var root = new TestRoot();
        var weakened = string.Join('\n', File.ReadAllLines(TestRoot.UnitFile).Where(line =>
            !line.StartsWith("Protect", StringComparison.Ordinal) && !line.StartsWith("Restrict", StringComparison.Ordinal)
            && !line.StartsWith("SystemCall", StringComparison.Ordinal) && !line.StartsWith("Private", StringComparison.Ordinal)
            && !line.StartsWith("CapabilityBoundingSet", StringComparison.Ordinal)));
        var path = Path.Combine(root.Scratch, "eldercare-gateway.service");
        File.WriteAllText(path, weakened);

        var exposure = Exposure(analyze, path);

        Assert.IsGreaterThan(ExposureThreshold, exposure);
    }

    [TestMethod]
    [DataRow("Type=notify")]
    [DataRow("User=eldercare-gateway")]
    [DataRow("StateDirectory=eldercare-gateway")]
    [DataRow("Environment=Gateway__Store__DataDirectory=/var/lib/eldercare-gateway")]
    [DataRow("ProtectSystem=strict")]
    [DataRow("ProtectHome=yes")]
    [DataRow("PrivateTmp=yes")]
    [DataRow("NoNewPrivileges=yes")]
    [DataRow("RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX")]
    [DataRow("CapabilityBoundingSet=")]
    [DataRow("SystemCallFilter=@system-service")]
    [DataRow("StandardOutput=journal")]
    public void Unit_Directive_Present(string directive)
    {
        var lines = File.ReadAllLines(TestRoot.UnitFile);

        CollectionAssert.Contains(lines, directive);
    }

    [TestMethod]
    public void Unit_WatchdogSec_SetAndAtLeastTwiceAnyPingInterval()
    {
        var line = File.ReadAllLines(TestRoot.UnitFile).Single(l => l.StartsWith("WatchdogSec=", StringComparison.Ordinal));

        var seconds = int.Parse(line["WatchdogSec=".Length..], CultureInfo.InvariantCulture);

        // The gateway pings every WatchdogSec/2 and calls the store stuck after 20 s without a commit.
        Assert.IsGreaterThan(20, seconds);
    }

    [TestMethod]
    public void Unit_MemoryDenyWriteExecute_NotSetBecauseTheJitNeedsWriteExecute()
    {
        var lines = File.ReadAllLines(TestRoot.UnitFile);

        Assert.IsFalse(lines.Any(l => l.StartsWith("MemoryDenyWriteExecute=", StringComparison.Ordinal)), "the .NET JIT needs W+X memory");
        Assert.IsTrue(lines.Any(l => l.StartsWith('#') && l.Contains("MemoryDenyWriteExecute", StringComparison.Ordinal) && l.Contains("JIT", StringComparison.Ordinal)), "the unit says why");
    }

    private static double Exposure(string analyze, string unitPath)
    {
        var security = ScriptRun.Start(analyze, ["security", "--offline=true", "--no-pager", unitPath], TimeSpan.FromMinutes(1));
        Assert.AreEqual(0, security.ExitCode, security.All);
        var match = OverallExposure().Match(security.Output);
        Assert.IsTrue(match.Success, "no overall exposure line in:\n" + security.Output);
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+\.\d+)")]
    private static partial Regex OverallExposure();
}
