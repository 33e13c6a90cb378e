using Eldercare.Firmware.Devices;

namespace Eldercare.Firmware.Tests.Devices;

/// <summary>The MPU6050 binding's m/s², divided by (1 + SampleRateDivider), back to the g the fall detector takes.</summary>
[TestClass]
public sealed class AccelerationUnitsTests
{
    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(9.80665, 0, 1.0f)]
    [DataRow(-9.80665, 0, -1.0f)]
    [DataRow(58.8399, 0, 6.0f)]
    [DataRow(0.4903325, 19, 1.0f)]
    [DataRow(0.0, 19, 0.0f)]
    public void ToG_BindingValue_GivesG(double bindingValue, int sampleRateDivider, float expectedG)
    {
        // Act
        float g = AccelerationUnits.ToG(bindingValue, sampleRateDivider);

        // Assert
        Assert.AreEqual(expectedG, g, 1e-4f);
    }
}
