using Eldercare.Firmware.Devices;

namespace Eldercare.Firmware.Tests.Devices;

/// <summary>When a wearable's loop may light-sleep (Devices/Common/LightSleepGate): only with everything quiet.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class LightSleepGateTests
{
    private const long Booted = LightSleepGate.AwakeAfterBootMilliseconds + 1;

    [TestMethod]
    public void AllQuiet_SleepsUntilTheNextBatch()
    {
        // Act
        long nap = LightSleepGate.Milliseconds(Booted, 940, radioOff: true, buttonPressed: false, indicatorIdle: true, hilUsed: false);

        // Assert
        Assert.AreEqual(940L, nap);
    }

    [TestMethod]
    [DataRow(false, false, true, false, 940L, DisplayName = "radio on")]
    [DataRow(true, true, true, false, 940L, DisplayName = "button held")]
    [DataRow(true, false, false, false, 940L, DisplayName = "pattern playing")]
    [DataRow(true, false, true, true, 940L, DisplayName = "on a HIL rig")]
    [DataRow(true, false, true, false, 0L, DisplayName = "reading every tick")]
    [DataRow(true, false, true, false, LightSleepGate.MinimumMilliseconds - 1, DisplayName = "too short a nap")]
    public void AnythingBusy_TicksOn(bool radioOff, bool buttonPressed, bool indicatorIdle, bool hilUsed, long untilNextRead)
    {
        // Act
        long nap = LightSleepGate.Milliseconds(Booted, untilNextRead, radioOff, buttonPressed, indicatorIdle, hilUsed);

        // Assert
        Assert.AreEqual(0L, nap);
    }

    [TestMethod]
    public void FirstMinuteAfterBoot_StaysAwakeForARig()
    {
        // Act
        long nap = LightSleepGate.Milliseconds(LightSleepGate.AwakeAfterBootMilliseconds - 1, 940, true, false, true, false);

        // Assert
        Assert.AreEqual(0L, nap);
    }
}
