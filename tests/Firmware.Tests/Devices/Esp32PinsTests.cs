using Eldercare.Firmware.Devices;

namespace Eldercare.Firmware.Tests.Devices;

[TestClass]
public sealed class Esp32PinsTests
{
    [TestMethod]
    [TestCategory("Unit")]
    public void IsRtcPin_EveryGpio_MatchesTheWakeCapablePins()
    {
        // Arrange: only RTC pins wake the ESP32 from deep sleep: 0, 2, 4, 12-15, 25-27, 32-39 (../shared/NANOFRAMEWORK.md).
        int[] expected = [0, 2, 4, 12, 13, 14, 15, 25, 26, 27, 32, 33, 34, 35, 36, 37, 38, 39];

        // Act
        int[] rtc = Enumerable.Range(0, 40).Where(Esp32Pins.IsRtcPin).ToArray();

        // Assert
        CollectionAssert.AreEqual(expected, rtc);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(0, 36)]
    [DataRow(3, 39)]
    [DataRow(4, 32)]
    [DataRow(6, 34)]
    [DataRow(7, 35)]
    [DataRow(8, -1)]
    [DataRow(-1, -1)]
    public void Adc1ChannelGpio_Channel_GivesItsPin(int channel, int expectedGpio)
    {
        // Act
        int gpio = Esp32Pins.Adc1ChannelGpio(channel);

        // Assert
        Assert.AreEqual(expectedGpio, gpio);
    }
}
