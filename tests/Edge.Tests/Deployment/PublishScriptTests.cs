using System.Formats.Tar;
using System.IO.Compression;
using Eldercare.Edge.Gateway.Registry;

namespace Eldercare.Edge.Tests.Deployment;

/// <summary>deploy/publish.sh: its argument checks, and a real self-contained linux-x64 publish taken through install.sh.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[TestClass]
[TestCategory("Deployment")]
public sealed class PublishScriptTests
{
    private static string Script => Path.Combine(TestRoot.DeployFolder, "publish.sh");

    [TestMethod]
    [DataRow("", "usage: deploy/publish.sh")]
    [DataRow("linux-arm", "unknown ARCH 'linux-arm'")]
    [DataRow("win-x64", "unknown ARCH 'win-x64'")]
    public void Publish_BadArchitecture_ExitTwoWithTheReason(string arch, string expectedMessage)
    {
        var run = ScriptRun.Start("bash", arch.Length == 0 ? [Script] : [Script, arch], TimeSpan.FromMinutes(1));

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.Error, expectedMessage);
    }

    [TestMethod]
    public void Publish_LinuxX64_TarballInstallsAndTheProgramRuns()
    {
        var analyze = ScriptRun.Require("systemd-analyze");
        using var root = new TestRoot();
        var output = Path.Combine(root.Scratch, "out");

        // A real publish (~15-40 s here, runtime packs from the NuGet cache).
        var publish = ScriptRun.Start("bash", [Script, "linux-x64", output], TimeSpan.FromMinutes(4));

        Assert.AreEqual(0, publish.ExitCode, publish.All);
        var tarball = Path.Combine(output, "eldercare-gateway-linux-x64.tar.gz");
        var unpacked = Path.Combine(root.Scratch, "unpacked");
        Directory.CreateDirectory(unpacked);
        using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
        {
            TarFile.ExtractToDirectory(gzip, unpacked, overwriteFiles: false);
        }

        var package = Path.Combine(unpacked, "eldercare-gateway");
        Assert.IsTrue(File.Exists(Path.Combine(package, "app", "Eldercare.Edge.Gateway")));
        Assert.IsTrue(File.Exists(Path.Combine(package, "app", "Microsoft.Extensions.Hosting.Systemd.dll")));
        Assert.IsTrue(File.Exists(Path.Combine(package, "app", "libcoreclr.so")), "self-contained: the runtime is in the package");

        // The new user's path: install, add a device to the registry the installer made, verify the unit.
        var install = ScriptRun.Start("bash", [Path.Combine(package, "install.sh"), "--root", root.RootPath, "--no-start"], TimeSpan.FromMinutes(2));
        Assert.AreEqual(0, install.ExitCode, install.All);
        var program = Path.Combine(root.Opt, "Eldercare.Edge.Gateway");
        var registry = Path.Combine(root.State, "devices.json");
        var add = ScriptRun.Start(program, ["devices", "add", "--registry", registry, "--id", "pendant-0001", "--secret", "s3cret-0001", "--iterations", "1000"], TimeSpan.FromMinutes(1));
        Assert.AreEqual(0, add.ExitCode, add.All);
        Assert.AreEqual("pendant-0001", DeviceRegistryFile.Load(registry).Single().Id);
        root.AddHostSystemdUnits();
        var verify = ScriptRun.Start(analyze, ["verify", "--root=" + root.RootPath, "eldercare-gateway.service"], TimeSpan.FromMinutes(1));
        Assert.AreEqual(0, verify.ExitCode, verify.All);
        Assert.AreEqual(string.Empty, verify.All.Trim());
    }
}
