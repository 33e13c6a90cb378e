using Eldercare.Edge.Gateway.Registry;

namespace Eldercare.Edge.Tests.Deployment;

/// <summary>deploy/install.sh into a temporary root (--root): a fresh install, and upgrades that keep what is the user's.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[TestClass]
[TestCategory("Deployment")]
public sealed class InstallScriptTests
{
    private const string ShippedV1 = "{\"Gateway\":{\"Forwarder\":{\"GatewayId\":\"gw-01\"}}}\n";
    private const string ShippedV2 = "{\"Gateway\":{\"Forwarder\":{\"GatewayId\":\"gw-01\",\"BatchSize\":500}}}\n";

    [TestMethod]
    public void Install_FreshRoot_UserProgramEmptyRegistryAndUnit()
    {
        using var root = new TestRoot();
        root.StagePackage("v1", ShippedV1);

        var run = root.Install();

        Assert.AreEqual(0, run.ExitCode, run.All);
        var user = File.ReadAllLines(Path.Combine(root.RootPath, "etc", "passwd")).Single(l => l.StartsWith("eldercare-gateway:", StringComparison.Ordinal));
        var fields = user.Split(':');
        Assert.AreEqual("/usr/sbin/nologin", fields[6], "no login shell");
        Assert.IsLessThan(1000, int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture), "a system uid");
        Assert.AreEqual("#!/bin/sh\necho v1\n", File.ReadAllText(Path.Combine(root.Opt, "Eldercare.Edge.Gateway")));
        Assert.AreEqual(ShippedV1, File.ReadAllText(Path.Combine(root.Opt, "appsettings.json")));
        Assert.AreEqual(File.ReadAllText(TestRoot.UnitFile), File.ReadAllText(root.InstalledUnit));
        // The empty registry is one the gateway's own reader accepts (its format's owner, Registry/DeviceRegistryFile.cs).
        Assert.IsEmpty(DeviceRegistryFile.Load(Path.Combine(root.State, "devices.json")));
        Assert.AreEqual(fields[2], StatOwner(root.State), "the state directory belongs to the service's user");
        Assert.AreEqual(UnixFileMode.None, File.GetUnixFileMode(Path.Combine(root.State, "devices.json")) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite), "secret hashes are not world-readable");
        StringAssert.Contains(run.Output, "installed eldercare-gateway");
    }

    [TestMethod]
    public void Install_UpgradeAfterEdits_KeepsStoreRegistryAndEditedAppsettings()
    {
        using var root = new TestRoot();
        root.StagePackage("v1", ShippedV1);
        Assert.AreEqual(0, root.Install().ExitCode);
        var store = Path.Combine(root.State, "events.db");
        File.WriteAllBytes(store, [1, 2, 3, 4]);
        File.WriteAllText(Path.Combine(root.State, "devices.json"), "{\"devices\":[]} ");
        const string Edited = "{\"Gateway\":{\"Forwarder\":{\"GatewayId\":\"gw-taiyuan-017\"}}}\n";
        File.WriteAllText(Path.Combine(root.Opt, "appsettings.json"), Edited);
        root.StagePackage("v2", ShippedV2);

        var upgrade = root.Install();

        Assert.AreEqual(0, upgrade.ExitCode, upgrade.All);
        Assert.AreEqual("#!/bin/sh\necho v2\n", File.ReadAllText(Path.Combine(root.Opt, "Eldercare.Edge.Gateway")), "the program is the new one");
        CollectionAssert.AreEqual(new byte[] { 1, 2, 3, 4 }, File.ReadAllBytes(store), "the store is untouched");
        Assert.AreEqual("{\"devices\":[]} ", File.ReadAllText(Path.Combine(root.State, "devices.json")), "the registry is untouched");
        Assert.AreEqual(Edited, File.ReadAllText(Path.Combine(root.Opt, "appsettings.json")), "the installer's edits are kept");
        Assert.AreEqual(ShippedV2, File.ReadAllText(Path.Combine(root.Opt, "appsettings.json.new")), "the new default is offered beside it");
        StringAssert.Contains(upgrade.Output, "kept your edited");

        // And the next upgrade still keeps them (the edited file is never taken for a shipped one).
        root.StagePackage("v3", ShippedV1);
        Assert.AreEqual(0, root.Install().ExitCode);
        Assert.AreEqual(Edited, File.ReadAllText(Path.Combine(root.Opt, "appsettings.json")));
        Assert.AreEqual(ShippedV1, File.ReadAllText(Path.Combine(root.Opt, "appsettings.json.new")));
    }

    [TestMethod]
    public void Install_UpgradeWithoutEdits_AppsettingsReplacedByTheNewDefault()
    {
        using var root = new TestRoot();
        root.StagePackage("v1", ShippedV1);
        Assert.AreEqual(0, root.Install().ExitCode);
        root.StagePackage("v2", ShippedV2);

        var upgrade = root.Install();

        Assert.AreEqual(0, upgrade.ExitCode, upgrade.All);
        Assert.AreEqual(ShippedV2, File.ReadAllText(Path.Combine(root.Opt, "appsettings.json")));
        Assert.IsFalse(File.Exists(Path.Combine(root.Opt, "appsettings.json.new")));
        StringAssert.Contains(upgrade.Output, "upgraded eldercare-gateway");
    }

    [TestMethod]
    [DataRow("--bogus", "unknown argument '--bogus'")]
    [DataRow("--root", "--root needs a directory")]
    public void Install_BadArgument_ExitTwoWithTheReason(string argument, string expectedMessage)
    {
        using var root = new TestRoot();
        root.StagePackage("v1", ShippedV1);

        var run = ScriptRun.Start("bash", [Path.Combine(root.Package, "install.sh"), argument], TimeSpan.FromMinutes(1));

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.Error, expectedMessage);
        Assert.IsFalse(Directory.Exists(root.Opt));
    }

    [TestMethod]
    public void Install_PackageWithoutProgram_FailsWithoutInstallingAnything()
    {
        using var root = new TestRoot();

        var run = root.Install();

        Assert.AreEqual(1, run.ExitCode);
        StringAssert.Contains(run.Error, "app/Eldercare.Edge.Gateway is missing");
        Assert.IsFalse(Directory.Exists(Path.Combine(root.RootPath, "opt")));
    }

    private static string StatOwner(string path) =>
        ScriptRun.Start("stat", ["-c", "%u", path], TimeSpan.FromSeconds(30)).Output.Trim();
}
