using Eldercare.Firmware.Tests.NanoCompile;

namespace Eldercare.Firmware.Tests.Hardware;

[TestClass]
public sealed class BomTests
{
    private static readonly string[] Devices = ["pendant", "watch", "kiosk", "gateway", "hil-rig"];

    [TestMethod]
    [TestCategory("Unit")]
    public void Bom_EveryRow_HasPartRoleInterfacePartNumberAndDatasheet()
    {
        // Arrange
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryFiles.Root(), "hardware", "bom.csv"));

        // Act
        string[][] rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();
        var bad = rows.Where(r => r.Length != 6 || r.Take(5).Any(string.IsNullOrWhiteSpace) || !r[5].StartsWith("https://", StringComparison.Ordinal)).Select(r => string.Join(",", r)).ToList();
        var unknownDevices = rows.Where(r => r.Length == 6).SelectMany(r => r[0].Split(';')).Where(d => !Devices.Contains(d)).ToList();
        var uncovered = Devices.Where(d => !rows.Any(r => r[0].Split(';').Contains(d))).ToList();

        // Assert
        Assert.AreEqual("device,part,role,interface,example part number,datasheet", lines[0]);
        Assert.IsEmpty(bad, "rows need 6 fields (no commas inside: use ';') and an https datasheet link:" + Environment.NewLine + string.Join(Environment.NewLine, bad));
        Assert.IsEmpty(unknownDevices, string.Join(", ", unknownDevices));
        Assert.IsEmpty(uncovered, "devices without a BOM line: " + string.Join(", ", uncovered));
    }
}
