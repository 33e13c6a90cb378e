using Eldercare.Firmware.Devices;

namespace Eldercare.Firmware.Tests.Devices;

[TestClass]
public sealed class ReconnectBackoffTests
{
    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(1, 0, 500)]
    [DataRow(1, 999, 999)]
    [DataRow(2, 0, 1000)]
    [DataRow(3, 500, 3000)]
    [DataRow(7, 0, 30000)]
    [DataRow(7, 999, 59970)]
    [DataRow(20, 0, 30000)]
    public void NextDelayMilliseconds_AfterFailures_DoublesToCapWithEqualJitter(int failures, int jitterPerMille, int expectedDelay)
    {
        // Arrange: 1 s doubling to 60 s, the device's settings.
        var backoff = new ReconnectBackoff(1000, 60000);
        for (int i = 1; i < failures; i++)
        {
            backoff.NextDelayMilliseconds(0);
        }

        // Act
        int delay = backoff.NextDelayMilliseconds(jitterPerMille);

        // Assert
        Assert.AreEqual(expectedDelay, delay);
        Assert.AreEqual(failures, backoff.Failures);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void NextDelayMilliseconds_DifferentJitter_SpreadsDevicesOverHalfTheStep()
    {
        // Arrange: a community reconnecting after a gateway restart must not retry in lockstep.
        var early = new ReconnectBackoff(1000, 60000);
        var late = new ReconnectBackoff(1000, 60000);

        // Act
        int first = early.NextDelayMilliseconds(0);
        int second = late.NextDelayMilliseconds(999);

        // Assert
        Assert.IsGreaterThanOrEqualTo(499, second - first);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Reset_AfterSuccess_StartsFromFirstDelayAgain()
    {
        // Arrange
        var backoff = new ReconnectBackoff(1000, 60000);
        for (int i = 0; i < 10; i++)
        {
            backoff.NextDelayMilliseconds(999);
        }

        // Act
        backoff.Reset();
        int delay = backoff.NextDelayMilliseconds(999);

        // Assert
        Assert.AreEqual(999, delay);
        Assert.AreEqual(1, backoff.Failures);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(-5, 500)]
    [DataRow(5000, 999)]
    public void NextDelayMilliseconds_JitterOutOfRange_IsClamped(int jitterPerMille, int expectedDelay)
    {
        // Arrange
        var backoff = new ReconnectBackoff(1000, 60000);

        // Act
        int delay = backoff.NextDelayMilliseconds(jitterPerMille);

        // Assert
        Assert.AreEqual(expectedDelay, delay);
    }
}
