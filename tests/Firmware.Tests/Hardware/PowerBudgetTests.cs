using System.Globalization;
using System.Text.Json;
using Eldercare.Firmware.Tests.NanoCompile;

namespace Eldercare.Firmware.Tests.Hardware;

/// <summary>hardware/power-budget.json recomputed: the days stated in power-budget.md, and the targets for the design.</summary>
[TestClass]
public sealed class PowerBudgetTests
{
    private static readonly string Folder = Path.Combine(RepositoryFiles.Root(), "hardware");

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("pendant-scheduled")]
    [DataRow("watch-scheduled")]
    [DataRow("pendant-always-connected")]
    [DataRow("watch-always-connected")]
    public void Scenario_Recomputed_MatchesTheDaysAndCurrentInPowerBudgetMd(string id)
    {
        // Arrange
        Scenario scenario = Load(id);
        string page = File.ReadAllText(Path.Combine(Folder, "power-budget.md"));

        // Act
        string days = scenario.Days.ToString("0.0", CultureInfo.InvariantCulture) + " days";
        string current = scenario.AverageMilliamps.ToString("0.00", CultureInfo.InvariantCulture) + " mA";

        // Assert
        Assert.Contains("| " + scenario.BatteryMah + " mAh | " + current + " | **" + days + "** |", page, id + ": " + current + ", " + days);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("pendant-scheduled", 7.0)]
    [DataRow("watch-scheduled", 2.0)]
    public void ScheduledScenario_DaysPerCharge_MeetsTheTarget(string id, double targetDays)
    {
        // Act
        Scenario scenario = Load(id);

        // Assert
        Assert.AreEqual(targetDays, scenario.TargetDays);
        Assert.IsGreaterThanOrEqualTo(targetDays, scenario.Days, id + " gives " + scenario.Days.ToString("0.0", CultureInfo.InvariantCulture) + " days");
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Loads_EveryOne_SaysWhatImplementsIt()
    {
        // Arrange
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "power-budget.json")));

        // Act
        var silent = json.RootElement.GetProperty("scenarios").EnumerateArray()
            .SelectMany(s => s.GetProperty("loads").EnumerateArray())
            .Where(l => !l.TryGetProperty("implementedBy", out JsonElement by) || string.IsNullOrWhiteSpace(by.GetString()))
            .Select(l => l.GetProperty("name").GetString())
            .ToList();

        // Assert
        Assert.IsEmpty(silent, string.Join(" | ", silent));
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Loads_EveryOne_CitesAKnownSource()
    {
        // Arrange
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "power-budget.json")));
        var sources = json.RootElement.GetProperty("sources").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        // Act
        var unknown = json.RootElement.GetProperty("scenarios").EnumerateArray()
            .SelectMany(s => s.GetProperty("loads").EnumerateArray())
            .Select(l => l.GetProperty("source").GetString() ?? "")
            .Where(s => !sources.Contains(s))
            .ToList();

        // Assert
        Assert.IsEmpty(unknown, string.Join(", ", unknown));
    }

    private static Scenario Load(string id)
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "power-budget.json")));
        JsonElement s = json.RootElement.GetProperty("scenarios").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
        double average = s.GetProperty("loads").EnumerateArray().Sum(l => l.GetProperty("milliamps").GetDouble() * l.GetProperty("dutyPercent").GetDouble() / 100.0);
        int battery = s.GetProperty("batteryMah").GetInt32();
        double days = battery * s.GetProperty("usableFraction").GetDouble() / average / 24.0;
        return new Scenario(battery, average, days, s.GetProperty("targetDays").GetDouble());
    }

    private sealed record Scenario(int BatteryMah, double AverageMilliamps, double Days, double TargetDays);
}
