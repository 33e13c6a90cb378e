using Eldercare.Firmware.Devices;

namespace Eldercare.Firmware.Tests.Devices;

[TestClass]
public sealed class BatteryGaugeTests
{
    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(4200, 100)]
    [DataRow(4150, 100)]
    [DataRow(3920, 80)]
    [DataRow(3770, 40)]
    [DataRow(3755, 35)]
    [DataRow(3600, 10)]
    [DataRow(3300, 0)]
    [DataRow(3000, 0)]
    public void Percent_CellVoltage_FollowsTheLiPoCurve(int millivolts, int expectedPercent)
    {
        // Act
        int percent = BatteryGauge.Percent(millivolts);

        // Assert
        Assert.AreEqual(expectedPercent, percent);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(4095, 4095, 3100, 2, 6200)]
    [DataRow(2642, 4095, 3100, 2, 4000)]
    [DataRow(0, 4095, 3100, 2, 0)]
    [DataRow(100, 0, 3100, 2, 0)]
    public void CellMillivolts_RawReading_ScalesThroughTheDivider(int raw, int maxRaw, int fullScale, int ratio, int expected)
    {
        // Act
        int millivolts = BatteryGauge.CellMillivolts(raw, maxRaw, fullScale, ratio);

        // Assert
        Assert.AreEqual(expected, millivolts);
    }
}
