using System.Diagnostics;
using System.Text.Json;
using Eldercare.Firmware.Tests.NanoCompile;

namespace Eldercare.Firmware.Tests.Flashing;

/// <summary>
/// flash.sh run for real with a fake nanoff first on PATH that records its arguments, so the exact command lines are
/// pinned, and every failure path gives its message and exit code without flashing anything it should not.
/// </summary>
[TestClass]
public sealed class FlashScriptTests
{
    private static readonly string Script = Path.Combine(RepositoryFiles.Root(), "flash.sh");

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("pendant", "Pendant")]
    [DataRow("watch", "Watch")]
    [DataRow("kiosk", "Kiosk")]
    public void Flash_KindAndPort_FlashesTheClrThenDeploysTheImageAtTheExplicitAddress(string kind, string project)
    {
        // Arrange
        using var rig = new FlashRig(project);

        // Act
        ScriptRun run = rig.Run(kind, rig.Port);

        // Assert
        Assert.AreEqual(0, run.ExitCode, run.Output);
        CollectionAssert.AreEqual(
            new[]
            {
                "--update --target ESP32_REV3 --serialport " + rig.Port,
                "--deploy --image " + rig.Image + " --address 0x1E0000 --serialport " + rig.Port,
            },
            rig.NanoffCalls(),
            run.Output);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Flash_WithDeviceId_DeploysItsProvisionedFilesToTheIDrive()
    {
        // Arrange
        using var rig = new FlashRig("Pendant");
        string provisioned = rig.Provision("pendant-0007", withCa: true);

        // Act
        ScriptRun run = rig.Run("pendant", rig.Port, "pendant-0007");

        // Assert
        Assert.AreEqual(0, run.ExitCode, run.Output);
        string[] calls = rig.NanoffCalls();
        Assert.HasCount(3, calls, run.Output);
        StringAssert.StartsWith(calls[2], "--filedeployment ");
        using JsonDocument files = JsonDocument.Parse(rig.CapturedFileList());
        Assert.AreEqual(rig.Port, files.RootElement.GetProperty("serialport").GetString());
        var entries = files.RootElement.GetProperty("files").EnumerateArray()
            .Select(e => e.GetProperty("DestinationFilePath").GetString() + " <- " + e.GetProperty("SourceFilePath").GetString())
            .ToList();
        CollectionAssert.AreEqual(
            new[] { "I:\\device.txt <- " + Path.Combine(provisioned, "device.txt"), "I:\\ca.pem <- " + Path.Combine(provisioned, "ca.pem") },
            entries);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(new string[0], 2, "usage:")]
    [DataRow(new[] { "pendant" }, 2, "usage:")]
    [DataRow(new[] { "toaster", "PORT" }, 2, "unknown kind 'toaster'")]
    [DataRow(new[] { "pendant", "/dev/no-such-port" }, 3, "serial port /dev/no-such-port not found")]
    [DataRow(new[] { "pendant", "PORT", "Bad_Id" }, 8, "device id 'Bad_Id' is not")]
    [DataRow(new[] { "pendant", "PORT", "pendant-0404" }, 8, "no provisioning for pendant-0404")]
    public void Flash_BadArguments_FailsWithReasonBeforeTouchingTheBoard(string[] arguments, int expectedExit, string expectedMessage)
    {
        // Arrange
        using var rig = new FlashRig("Pendant");
        string[] resolved = arguments.Select(a => a == "PORT" ? rig.Port : a).ToArray();

        // Act
        ScriptRun run = rig.Run(resolved);

        // Assert
        Assert.AreEqual(expectedExit, run.ExitCode, run.Output);
        Assert.Contains(expectedMessage, run.Output);
        Assert.IsEmpty(rig.NanoffCalls(), "nanoff must not run");
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Flash_NanoffMissing_Exit4AndSaysHowToInstallIt()
    {
        // Arrange
        using var rig = new FlashRig("Pendant", installNanoff: false);

        // Act
        ScriptRun run = rig.Run("pendant", rig.Port);

        // Assert
        Assert.AreEqual(4, run.ExitCode, run.Output);
        Assert.Contains("dotnet tool install -g nanoff", run.Output);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Flash_BuildOutputMissing_Exit5AndNamesTheProjectToBuild()
    {
        // Arrange
        using var rig = new FlashRig("Watch", buildImage: false);

        // Act
        ScriptRun run = rig.Run("watch", rig.Port);

        // Assert
        Assert.AreEqual(5, run.ExitCode, run.Output);
        Assert.Contains("build output missing: " + rig.Image, run.Output);
        Assert.Contains("firmware/Devices/Watch/Watch.nfproj", run.Output);
        Assert.IsEmpty(rig.NanoffCalls());
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("--update", 6, "flashing the nanoCLR firmware failed", 1)]
    [DataRow("--deploy", 7, "deploying", 2)]
    [DataRow("--filedeployment", 9, "deploying the provisioned files of kiosk-0001 failed", 3)]
    public void Flash_NanoffStepFails_StopsThereWithItsExitCode(string failingStep, int expectedExit, string expectedMessage, int expectedCalls)
    {
        // Arrange
        using var rig = new FlashRig("Kiosk");
        rig.Provision("kiosk-0001", withCa: false);
        rig.FailNanoffOn(failingStep);

        // Act
        ScriptRun run = rig.Run("kiosk", rig.Port, "kiosk-0001");

        // Assert
        Assert.AreEqual(expectedExit, run.ExitCode, run.Output);
        Assert.Contains(expectedMessage, run.Output);
        Assert.HasCount(expectedCalls, rig.NanoffCalls(), run.Output);
    }

    /// <summary>A temp folder with a fake serial port, a fake nanoff, a build output and a provisioning folder.</summary>
    private sealed class FlashRig : IDisposable
    {
        private readonly string _root = Directory.CreateTempSubdirectory("flash-test-").FullName;
        private readonly string _bin;
        private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

        public FlashRig(string project, bool installNanoff = true, bool buildImage = true)
        {
            _bin = Path.Combine(_root, "bin");
            Directory.CreateDirectory(_bin);
            Port = Path.Combine(_root, "ttyUSB0");
            File.WriteAllText(Port, "");
            string build = Path.Combine(_root, "build");
            Directory.CreateDirectory(build);
            Image = Path.Combine(build, "Eldercare." + project + ".bin");
            if (buildImage)
            {
                File.WriteAllBytes(Image, [0xE9, 0x00]);
            }

            if (installNanoff)
            {
                // Records each call's arguments; copies a --filedeployment list (the script deletes it afterwards).
                string fake = Path.Combine(_bin, "nanoff");
                File.WriteAllText(fake, """
                    #!/bin/sh
                    echo "$*" >> "$NANOFF_LOG"
                    if [ "$1" = "--filedeployment" ]; then cp "$2" "$NANOFF_LOG.files.json"; fi
                    case " $* " in *" $NANOFF_FAIL_ON "*) exit 1 ;; esac
                    exit 0
                    """.Replace("\r", "", StringComparison.Ordinal));
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }

            _environment["PATH"] = _bin + ":/usr/bin:/bin";
            _environment["HOME"] = Path.Combine(_root, "home");
            _environment["NANOFF_LOG"] = Path.Combine(_root, "nanoff.log");
            _environment["NANOFF_FAIL_ON"] = "--none";
            _environment["ELDERCARE_BUILD_DIR"] = build;
            _environment["ELDERCARE_PROVISION_DIR"] = Path.Combine(_root, "provisioning");
        }

        public string Port { get; }

        public string Image { get; }

        public string Provision(string deviceId, bool withCa)
        {
            string folder = Path.Combine(_root, "provisioning", deviceId);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "device.txt"), "id=" + deviceId + "\n");
            if (withCa)
            {
                File.WriteAllText(Path.Combine(folder, "ca.pem"), "-----BEGIN CERTIFICATE-----\n");
            }

            return folder;
        }

        public void FailNanoffOn(string step) => _environment["NANOFF_FAIL_ON"] = step;

        public string[] NanoffCalls()
        {
            string log = _environment["NANOFF_LOG"];
            return File.Exists(log) ? File.ReadAllLines(log) : [];
        }

        public string CapturedFileList() => File.ReadAllText(_environment["NANOFF_LOG"] + ".files.json");

        public ScriptRun Run(params string[] arguments)
        {
            var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            start.ArgumentList.Add(Script);
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment.Clear();
            foreach (KeyValuePair<string, string> variable in _environment)
            {
                start.Environment[variable.Key] = variable.Value;
            }

            using Process process = Process.Start(start)!;
            process.StandardInput.Close();
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(30000))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("flash.sh did not finish within 30 s");
            }

            return new ScriptRun(process.ExitCode, stdout.Result + stderr.Result);
        }

        public void Dispose() => Directory.Delete(_root, recursive: true);
    }

    private sealed record ScriptRun(int ExitCode, string Output);
}
