using Eldercare.Firmware.Core.Commands;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Outbox;
using Eldercare.Firmware.Devices;

namespace Eldercare.Firmware.Tests.Devices;

/// <summary>
/// The I: drive of a 4 MB ESP32 is a 256 KB LittleFS partition shared with the network configuration and certificates
/// (../shared/NANOFRAMEWORK.md): the device's outbox and configuration must fit their stated budget in the worst case.
/// </summary>
[TestClass]
public sealed class StorageBudgetTests
{
    [TestMethod]
    [TestCategory("Unit")]
    public void AppFiles_FullOutboxOfLargestEvents_FitTheBudgetWithTheSwapCopy()
    {
        // Arrange: every outbox slot holds an event of the codec's maximum size; the configuration blob is at most a
        // command's size; the boot epoch and the alarm episode are a few digits; one more block is the temporary copy
        // of an atomic write. LittleFS worst case: whole 4 KB blocks per file.
        int outbox = StorageBudget.OutboxCapacity * StorageBudget.FootprintBytes(EventCodec.MaxPayloadBytes);
        int configuration = StorageBudget.FootprintBytes(CommandCodec.MaxPayloadBytes);
        int bootEpoch = StorageBudget.FootprintBytes(Utf8.GetBytes(long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture)).Length);
        int alarmEpisode = StorageBudget.FootprintBytes(3 * 21);

        // Act
        int worstCase = outbox + configuration + bootEpoch + alarmEpisode + StorageBudget.BlockBytes;

        // Assert
        Assert.IsLessThanOrEqualTo(StorageBudget.AppBytes, worstCase, "worst case " + worstCase + " bytes");
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void OutboxSettings_OnTheDevice_AreValidOutboxOptions()
    {
        // Arrange
        var options = new OutboxOptions { Capacity = StorageBudget.OutboxCapacity, TelemetryQuota = StorageBudget.OutboxTelemetryQuota };

        // Act
        string problem = options.Validate();

        // Assert
        Assert.IsNull(problem, problem);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(0, 4096)]
    [DataRow(1, 4096)]
    [DataRow(4096, 4096)]
    [DataRow(4097, 8192)]
    public void FootprintBytes_FileSize_IsWholeBlocksAtLeastOne(int fileBytes, int expected)
    {
        // Act
        int footprint = StorageBudget.FootprintBytes(fileBytes);

        // Assert
        Assert.AreEqual(expected, footprint);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Fits_AtTheLimit_RefusesOneBlockMore()
    {
        // Arrange
        int used = StorageBudget.AppBytes - StorageBudget.BlockBytes;

        // Act
        bool lastBlock = StorageBudget.Fits(used, 0, 100);
        bool overLimit = StorageBudget.Fits(StorageBudget.AppBytes, 0, 100);
        bool replacing = StorageBudget.Fits(StorageBudget.AppBytes, 200, 100);

        // Assert
        Assert.IsTrue(lastBlock);
        Assert.IsFalse(overLimit);
        Assert.IsTrue(replacing, "rewriting a file in place needs no new block");
    }
}
