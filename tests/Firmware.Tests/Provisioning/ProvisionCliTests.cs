extern alias gateway;

using System.Diagnostics;
using System.Text;
using gateway::Eldercare.Edge.Gateway.Registry;
using Eldercare.Firmware.Devices;

namespace Eldercare.Firmware.Tests.Provisioning;

/// <summary>
/// The provisioning CLI (firmware/tools/Provision) run as a process, as an installer runs it: every refusal with its
/// exit code and message, and the round trip (the device's own parser reads the file; the gateway's registry owner
/// verifies the secret in it).
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ProvisionCliTests
{
    private string _directory = null!;

    private string Registry => Path.Combine(_directory, "devices.json");

    private string Out => Path.Combine(_directory, "provisioning");

    [TestInitialize]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "provision-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [TestMethod]
    public void Provision_NewWatch_FileParsesWithTheDeviceParserAndTheRegistryVerifiesItsSecret()
    {
        File.WriteAllText(Path.Combine(_directory, "ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        DeviceRegistryFile.Write(Registry, [SecretHasher.CreateRecord("pendant-0001", "other-secret-0123456789", iterations: 10)]);

        var (code, output) = Run("--id", "watch-0007", "--kind", "watch", "--ssid", "社区 WiFi", "--psk", "pass word 1", "--host", "gw.local", "--port", "8883",
            "--ca", Path.Combine(_directory, "ca.pem"), "--zones", "c,37.5131,122.1204,300");

        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "[5/5] registering watch-0007 (watch)");
        Assert.DoesNotContain("secret=", output, "the secret is never printed");
        byte[] file = File.ReadAllBytes(Path.Combine(Out, "watch-0007", DeviceSettings.FileName));
        DeviceSettings settings = DeviceSettings.Parse(file, out string problem);
        Assert.IsNotNull(settings, problem);
        Assert.AreEqual("watch-0007", settings.DeviceId);
        Assert.AreEqual("社区 WiFi", settings.Ssid);
        Assert.AreEqual("pass word 1", settings.WifiPassword);
        Assert.AreEqual("gw.local", settings.GatewayHost);
        Assert.AreEqual(8883, settings.GatewayPort);
        Assert.IsTrue(settings.UseTls);
        Assert.AreEqual("ca.pem", settings.CaFile);
        Assert.IsTrue(File.Exists(Path.Combine(Out, "watch-0007", "ca.pem")));
        Assert.AreEqual("wrist", settings.Placement);
        Assert.AreEqual("c,37.5131,122.1204,300", settings.Zones);
        IReadOnlyList<DeviceRecord> records = DeviceRegistryFile.Load(Registry);
        Assert.HasCount(2, records);
        DeviceRecord record = records.Single(r => r.Id == "watch-0007");
        Assert.AreEqual("watch", record.Kind);
        Assert.IsTrue(SecretHasher.Verify(record, settings.Secret), "the registry holds the hash of the secret in device.txt");
    }

    [TestMethod]
    public void Provision_IdAlreadyRegistered_RefusesAndWritesNothing()
    {
        DeviceRegistryFile.Write(Registry, [SecretHasher.CreateRecord("pendant-0001", "other-secret-0123456789", iterations: 10)]);
        string before = File.ReadAllText(Registry);

        var (code, output) = Run("--id", "pendant-0001", "--ssid", "net", "--host", "10.0.0.2");

        Assert.AreEqual(4, code, output);
        StringAssert.Contains(output, "pendant-0001 is already registered at the gateway");
        Assert.AreEqual(before, File.ReadAllText(Registry));
        Assert.IsFalse(Directory.Exists(Path.Combine(Out, "pendant-0001")));
    }

    [TestMethod]
    public void Provision_AlreadyProvisionedOnThisPc_Refuses()
    {
        DeviceRegistryFile.Write(Registry, []);
        Directory.CreateDirectory(Path.Combine(Out, "pendant-0002"));
        File.WriteAllText(Path.Combine(Out, "pendant-0002", "device.txt"), "id=pendant-0002\n");

        var (code, output) = Run("--id", "pendant-0002", "--ssid", "net", "--host", "10.0.0.2");

        Assert.AreEqual(4, code, output);
        StringAssert.Contains(output, "was provisioned on this PC before");
        Assert.IsEmpty(DeviceRegistryFile.Load(Registry));
    }

    [TestMethod]
    [DataRow("Pendant-1", "--id 'Pendant-1' must be 1-32 of a-z, 0-9, '-'")]
    [DataRow("-pendant", "--id '-pendant' must be 1-32")]
    [DataRow("pendant-0123456789-0123456789-0123", "must be 1-32 of a-z")]
    [DataRow("pendant 1", "--id 'pendant 1' must be")]
    public void Provision_BadId_RefusedWithExit2(string id, string expected)
    {
        DeviceRegistryFile.Write(Registry, []);

        var (code, output) = Run("--id", id, "--ssid", "net", "--host", "10.0.0.2");

        Assert.AreEqual(2, code, output);
        StringAssert.Contains(output, expected);
        Assert.IsEmpty(DeviceRegistryFile.Load(Registry));
    }

    [TestMethod]
    [DataRow("--psk", "short", "--psk must be 8-63 characters")]
    [DataRow("--host", "a b", "--host 'a b' is not a host name or address")]
    [DataRow("--port", "70000", "--port must be 1..65535")]
    [DataRow("--kind", "toaster", "--kind 'toaster' must be pendant, watch or kiosk")]
    [DataRow("--placement", "ankle", "--placement 'ankle' must be neck or wrist")]
    [DataRow("--zones", "c,1,2", "--zones zone1: a circle is c,LAT,LON,RADIUS_M")]
    [DataRow("--ssid", " padded", "--ssid must not hold a line break, a NUL, or leading/trailing spaces")]
    [DataRow("--ca", "/nonexistent/ca.pem", "--ca '/nonexistent/ca.pem' does not exist")]
    public void Provision_BadValue_RefusedWithItsReason(string option, string value, string expected)
    {
        DeviceRegistryFile.Write(Registry, []);
        var values = new Dictionary<string, string> { ["--id"] = "pendant-0003", ["--host"] = "10.0.0.2", ["--ssid"] = "net" };
        values[option] = value;
        var args = values.SelectMany(pair => new[] { pair.Key, pair.Value }).ToList();

        var (code, output) = Run([.. args]);

        Assert.AreEqual(2, code, output);
        StringAssert.Contains(output, expected);
        Assert.IsFalse(Directory.Exists(Path.Combine(Out, "pendant-0003")));
    }

    [TestMethod]
    public void Provision_RegistryMissing_RefusedWithExit3()
    {
        var (code, output) = Run("--id", "pendant-0004", "--ssid", "net", "--host", "10.0.0.2");

        Assert.AreEqual(3, code, output);
        StringAssert.Contains(output, "registry " + Registry + " does not exist");
        Assert.IsFalse(File.Exists(Registry));
    }

    [TestMethod]
    public void Provision_RegistryFolderUnreachable_RefusedEvenWithCreate()
    {
        string registry = Path.Combine(_directory, "not-mounted", "devices.json");

        var (code, output) = RunWith(registry, "--id", "pendant-0005", "--ssid", "net", "--host", "10.0.0.2", "--create-registry");

        Assert.AreEqual(3, code, output);
        StringAssert.Contains(output, "cannot create the registry: folder");
    }

    [TestMethod]
    public void Provision_RegistryCorrupt_RefusedWithExit3()
    {
        File.WriteAllText(Registry, "{\"devices\": [ {\"id\": ");

        var (code, output) = Run("--id", "pendant-0006", "--ssid", "net", "--host", "10.0.0.2");

        Assert.AreEqual(3, code, output);
        StringAssert.Contains(output, "cannot read the gateway's registry");
    }

    [TestMethod]
    public void Provision_CreateRegistry_StartsANewOne()
    {
        var (code, output) = Run("--id", "kiosk-0001", "--kind", "kiosk", "--ssid", "net", "--host", "10.0.0.2", "--create-registry");

        Assert.AreEqual(0, code, output);
        Assert.AreEqual("kiosk-0001", DeviceRegistryFile.Load(Registry).Single().Id);
        DeviceSettings settings = DeviceSettings.Parse(File.ReadAllBytes(Path.Combine(Out, "kiosk-0001", "device.txt")), out string problem);
        Assert.IsNotNull(settings, problem);
        Assert.IsNull(settings.Placement);
        Assert.IsFalse(settings.UseTls);
    }

    private (int Code, string Output) Run(params string[] args) => RunWith(Registry, args);

    private (int Code, string Output) RunWith(string registry, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "firmware", "tools", "Provision", "bin",
            AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug",
            "net10.0", "Provision.dll");
        Assert.IsTrue(File.Exists(dll), "build the Provision tool first: " + dll);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
        foreach (string a in (string[])[dll, "--registry", registry, "--out", Out, "--iterations", "10", .. args])
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Assert.IsTrue(process.WaitForExit(60_000), "Provision did not finish within 60 s");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
