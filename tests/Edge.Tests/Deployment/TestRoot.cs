using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.Deployment;

/// <summary>
/// A temporary directory standing for a Pi's / (install.sh --root), and an unpacked package to install from: the real
/// deploy/ files with a stand-in program (a shell script), or a real publish's contents.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class TestRoot : IDisposable
{
    private readonly TempDirectory _directory = new("eldercare-deploy");

    public TestRoot()
    {
        Directory.CreateDirectory(RootPath);
        Directory.CreateDirectory(Path.Combine(Package, "app"));
        foreach (var file in new[] { "install.sh", "eldercare-gateway.service", "eldercare-gateway.sysusers" })
        {
            File.Copy(Path.Combine(DeployFolder, file), Path.Combine(Package, file));
        }
    }

    public static string DeployFolder => Path.Combine(RepoPaths.Root, "deploy");

    public static string UnitFile => Path.Combine(DeployFolder, "eldercare-gateway.service");

    public string Scratch => _directory.Path;

    public string RootPath => _directory.File("root");

    public string Package => _directory.File("package");

    public string Opt => Path.Combine(RootPath, "opt", "eldercare-gateway");

    public string State => Path.Combine(RootPath, "var", "lib", "eldercare-gateway");

    public string InstalledUnit => Path.Combine(RootPath, "etc", "systemd", "system", "eldercare-gateway.service");

    /// <summary>The package's program (a script printing <paramref name="version"/>) and its default appsettings.</summary>
    public void StagePackage(string version, string appsettings)
    {
        var program = Path.Combine(Package, "app", "Eldercare.Edge.Gateway");
        File.WriteAllText(program, $"#!/bin/sh\necho {version}\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.WriteAllText(Path.Combine(Package, "app", "appsettings.json"), appsettings);
    }

    public ScriptRun Install(params string[] extra) =>
        ScriptRun.Start("bash", [Path.Combine(Package, "install.sh"), "--root", RootPath, .. extra], TimeSpan.FromMinutes(1));

    /// <summary>The host's own units (targets the gateway's unit depends on) copied into the root, for systemd-analyze --root.</summary>
    public void AddHostSystemdUnits()
    {
        var source = Directory.Exists("/usr/lib/systemd/system") ? "/usr/lib/systemd/system" : "/lib/systemd/system";
        var target = Path.Combine(RootPath, "usr", "lib", "systemd", "system");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*.target"))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }
    }

    public void Dispose() => _directory.Dispose();
}
