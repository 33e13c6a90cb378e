using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace Eldercare.Firmware.Tests.NanoCompile;

/// <summary>
/// Each device project (firmware/Devices/*/*.nfproj) compiled as its nano build would: its Compile items and the core's
/// .projitems, C# 9.0, against nano's real mscorlib plus the compile-only declarations of exactly the packages its
/// packages.config lists (a package missing there leaves its types undeclared, so the compile fails). The output must
/// hold no generics. The nano build tools cannot run here; this is the strongest check the CI machines can make.
/// </summary>
[TestClass]
public sealed class DeviceProjectCompileTests
{
    /// <summary>Versions verified against CoreLibrary 1.17.11 (../shared/NANOFRAMEWORK.md, "Packages"); a second value is also accepted.</summary>
    private static readonly Dictionary<string, string[]> VerifiedVersions = new(StringComparer.Ordinal)
    {
        ["nanoFramework.CoreLibrary"] = ["1.17.11"],
        ["nanoFramework.Runtime.Events"] = ["1.11.37", "1.11.39"],
        ["nanoFramework.Runtime.Native"] = ["1.7.11"],
        ["nanoFramework.System.Math"] = ["1.5.116"],
        ["nanoFramework.System.Text"] = ["1.3.42"],
        ["nanoFramework.System.Collections"] = ["1.5.75"],
        ["nanoFramework.System.Threading"] = ["1.1.52"],
        ["nanoFramework.System.IO.Streams"] = ["1.1.96"],
        ["nanoFramework.System.Device.Gpio"] = ["1.1.62"],
        ["nanoFramework.System.Device.I2c"] = ["1.1.29"],
        ["nanoFramework.System.Device.Spi"] = ["1.3.89"],
        ["nanoFramework.System.Device.Adc"] = ["1.1.24"],
        ["nanoFramework.System.Device.Pwm"] = ["1.1.23"],
        ["nanoFramework.System.Net"] = ["1.11.54", "1.11.60"],
        ["nanoFramework.System.Device.Wifi"] = ["1.5.147"],
        ["nanoFramework.System.IO.FileSystem"] = ["1.1.93"],
        ["nanoFramework.System.IO.Ports"] = ["1.1.139"],
        ["nanoFramework.Hardware.Esp32"] = ["1.6.42"],
        ["nanoFramework.Iot.Device.Mpu9250"] = ["1.2.931"],
        ["nanoFramework.Iot.Device.Mfrc522"] = ["1.2.943"],
        ["nanoFramework.Iot.Device.Card"] = ["1.2.937"],
        ["nanoFramework.Iot.Device.Common.GnssDevice"] = ["1.0.335"],
        ["nanoFramework.Iot.Device.Buzzer"] = ["1.2.943"],
    };

    private static readonly ConcurrentDictionary<string, NanoCompileResult> Compiled = new(StringComparer.Ordinal);

    public TestContext TestContext { get; set; } = null!;

    public static IEnumerable<object[]> Devices => [["Pendant"], ["Watch"], ["Kiosk"]];

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("Pendant")]
    [DataRow("Watch")]
    [DataRow("Kiosk")]
    public void DeviceProject_CompiledAgainstNanoMscorlib_NoErrorsOrWarnings(string device)
    {
        // Act
        NanoCompileResult result = Compile(device);

        // Assert
        TestContext.WriteLine(device + ": " + result.SourceFileCount + " files, " + result.DeclarationFileCount + " compile-only files with "
            + result.DeclaredMemberCount + " members, " + result.Errors.Count + " errors");
        Assert.IsEmpty(result.Problems, device + " does not compile against nano's mscorlib:" + Environment.NewLine + result.Describe(40));
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("Pendant")]
    [DataRow("Watch")]
    [DataRow("Kiosk")]
    public void DeviceProject_Emitted_HasNoGenericTypesOrInstantiations(string device)
    {
        // Arrange
        NanoCompileResult result = Compile(device);
        Assert.IsNotNull(result.Image, result.Describe(10));

        // Act
        IReadOnlyList<string> generics = GenericUsageInspector.Inspect(result.Image);

        // Assert
        Assert.IsEmpty(generics, device + ": generics in the output (nano 1.x has none): " + string.Join("; ", generics));
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("Pendant")]
    [DataRow("Watch")]
    [DataRow("Kiosk")]
    public void DeviceProject_PackagesConfig_UsesVerifiedVersions(string device)
    {
        // Arrange
        DeviceProject project = DeviceProject.Load(RepositoryFiles.Root(), device);

        // Act
        var wrong = project.Packages
            .Where(p => VerifiedVersions.TryGetValue(p.Key, out string[]? allowed) && !allowed.Contains(p.Value))
            .Select(p => p.Key + " " + p.Value + " (verified: " + string.Join(" or ", VerifiedVersions[p.Key]) + ")")
            .ToList();
        var previews = project.Packages.Where(p => p.Value.StartsWith("2.", StringComparison.Ordinal) && p.Key.StartsWith("nanoFramework.", StringComparison.Ordinal)).Select(p => p.Key).ToList();

        // Assert
        Assert.IsEmpty(wrong, device + ": " + string.Join("; ", wrong));
        Assert.IsEmpty(previews, device + ": 2.x packages need CoreLibrary 2.0 preview: " + string.Join(", ", previews));
        Assert.IsTrue(new Version(project.Packages["nanoFramework.M2Mqtt"]) >= new Version(5, 1, 220), "M2Mqtt before 5.1.220 malformed a CONNECT with a will and could hang on reconnect");
        foreach (string library in NanoCompileTests.CoreLibraries.Append("nanoFramework.CoreLibrary"))
        {
            Assert.IsTrue(project.Packages.ContainsKey(library), device + " imports the core, which needs " + library);
        }
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("Pendant")]
    [DataRow("Watch")]
    [DataRow("Kiosk")]
    public void DeviceProject_References_MatchPackagesConfig(string device)
    {
        // Arrange
        DeviceProject project = DeviceProject.Load(RepositoryFiles.Root(), device);

        // Act
        var referenced = project.HintPaths
            .Select(h => h.Split('/'))
            .Where(parts => parts.Length == 5 && parts[0] == ".." && parts[1] == "packages" && parts[3] == "lib")
            .Select(parts => parts[2])
            .ToHashSet(StringComparer.Ordinal);
        var expected = project.Packages.Select(p => p.Key + "." + p.Value).ToHashSet(StringComparer.Ordinal);

        // Assert
        Assert.HasCount(project.HintPaths.Count, project.HintPaths.Where(h => h.StartsWith("../packages/", StringComparison.Ordinal)), device + ": every HintPath goes to ../packages/<id>.<version>/lib/<dll>");
        CollectionAssert.AreEquivalent(expected.Order().ToList(), referenced.Order().ToList(), device + ": References and packages.config disagree");
        Assert.AreEqual("Exe", project.OutputType);
        Assert.AreEqual("9.0", project.LangVersion);
        Assert.HasCount(1, project.ImportedSharedProjects);
        StringAssert.EndsWith(project.ImportedSharedProjects[0].Replace('\\', '/'), "firmware/Core/Eldercare.Firmware.Core.projitems");
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void CompileOnlyDeclarations_EachFile_IsForAUsedPackageAndCitesTheOfficialSource()
    {
        // Arrange
        string root = RepositoryFiles.Root();
        var packagesInUse = Devices.SelectMany(d => DeviceProject.Load(root, (string)d[0]).Packages.Keys).ToHashSet(StringComparer.Ordinal);
        string[] files = Directory.GetFiles(Path.Combine(root, CompileOnlyDeclarations.Folder), "*.cs");

        // Act
        var problems = new List<string>();
        foreach (string file in files)
        {
            string package = Path.GetFileNameWithoutExtension(file);
            string text = File.ReadAllText(file);
            if (!packagesInUse.Contains(package))
            {
                problems.Add(package + ": no device project lists this package");
            }

            if (!text.Contains("COMPILE-ONLY", StringComparison.Ordinal) || !text.Contains("https://github.com/nanoframework/", StringComparison.Ordinal))
            {
                problems.Add(package + ": must say COMPILE-ONLY and cite the official source it was written from");
            }
        }

        // Assert
        Assert.IsGreaterThan(10, files.Length);
        Assert.IsEmpty(problems, string.Join(Environment.NewLine, problems));
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void CompileOnlyDeclarations_NoProjectOrSolution_ReferencesThem()
    {
        // Arrange: anything MSBuild or a solution could pick up.
        string root = RepositoryFiles.Root();
        string[] patterns = ["*.csproj", "*.nfproj", "*.projitems", "*.shproj", "*.sln", "*.props", "*.targets"];
        var files = patterns
            .SelectMany(p => Directory.GetFiles(root, p, SearchOption.AllDirectories))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/.git/", StringComparison.Ordinal))
            .ToList();

        // Act
        var referencing = files.Where(f => File.ReadAllText(f).Contains("CompileOnly", StringComparison.Ordinal)).Select(f => Path.GetRelativePath(root, f)).ToList();

        // Assert
        Assert.IsGreaterThan(5, files.Count);
        Assert.IsEmpty(referencing, "compile-only declarations must never be built into anything: " + string.Join(", ", referencing));
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void DeviceSources_EveryAdapterAndHelper_IsCompiledByADeviceProject()
    {
        // Arrange
        string root = RepositoryFiles.Root();
        var compiled = Devices.SelectMany(d => DeviceProject.Load(root, (string)d[0]).CompileFiles).Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        string[] shared = Directory.GetFiles(Path.Combine(root, "firmware", "Devices", "Adapters"), "*.cs")
            .Concat(Directory.GetFiles(Path.Combine(root, "firmware", "Devices", "Common"), "*.cs"))
            .ToArray();

        // Act
        var orphans = shared.Where(f => !compiled.Contains(Path.GetFullPath(f))).Select(f => Path.GetRelativePath(root, f)).ToList();

        // Assert
        Assert.IsGreaterThan(10, shared.Length);
        Assert.IsEmpty(orphans, "not in any .nfproj, so never compiled for the device: " + string.Join(", ", orphans));
    }

    internal static NanoCompileResult Compile(string device) =>
        Compiled.GetOrAdd(device, name =>
        {
            string root = RepositoryFiles.Root();
            DeviceProject project = DeviceProject.Load(root, name);
            return NanoCompiler.Compile(
                "Eldercare." + name,
                project.Sources(root),
                CompileOnlyDeclarations.For(root, project.Packages.Keys),
                OutputKind.ConsoleApplication);
        });
}
