using Eldercare.Edge.Gateway.Broker;

namespace Eldercare.Edge.Tests.Broker;

/// <summary>The MqttNetServer engine's size guard over byte arrays: what it cuts, and what it leaves to MQTTnet.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class PacketSizeGuardStreamTests
{
    private const int Limit = 16_384;

    [TestMethod]
    [DataRow(new byte[] { 0x30, 0x80, 0x80, 0x40 }, 1_048_576L, DisplayName = "1 MB")]
    [DataRow(new byte[] { 0x10, 0xFF, 0xFF, 0xFF, 0x7F }, 268_435_455L, DisplayName = "largest a 4-byte length announces")]
    [DataRow(new byte[] { 0x30, 0x81, 0x80, 0x01 }, 16_385L, DisplayName = "one byte over the limit")]
    public void Read_HeaderOverTheLimit_CutWithTheAnnouncedSize(byte[] header, long announced)
    {
        // Arrange
        var reported = new List<long>();
        using var guard = new PacketSizeGuardStream(new MemoryStream(header), Limit, reported.Add);

        // Act + Assert
        Assert.ThrowsExactly<PacketTooLargeException>(() => ReadAll(guard));
        CollectionAssert.AreEqual(new[] { announced }, reported);
    }

    [TestMethod]
    [DataRow(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, DisplayName = "30 FF FF FF FF 01")]
    [DataRow(new byte[] { 0x30, 0x80, 0x80, 0x80, 0x80, 0x01 }, DisplayName = "30 80 80 80 80 01")]
    public void Read_RemainingLengthOfFiveBytes_NotReportedAsTooLarge(byte[] header)
    {
        // Arrange: malformed, not large (MQTT 5 1.5.5); MQTTnet refuses it itself as a protocol error.
        var reported = new List<long>();
        using var guard = new PacketSizeGuardStream(new MemoryStream(header), Limit, reported.Add);

        // Act
        var read = ReadAll(guard);

        // Assert
        CollectionAssert.AreEqual(header, read);
        Assert.IsEmpty(reported);
    }

    [TestMethod]
    public void Read_PacketsWithinTheLimit_PassThrough()
    {
        // Arrange: a PINGREQ, a packet of exactly the limit, another PINGREQ.
        byte[] bytes = [0xC0, 0x00, 0x30, 0x80, 0x80, 0x01, .. new byte[Limit], 0xC0, 0x00];
        var reported = new List<long>();
        using var guard = new PacketSizeGuardStream(new MemoryStream(bytes), Limit, reported.Add);

        // Act
        var read = ReadAll(guard);

        // Assert
        Assert.HasCount(bytes.Length, read);
        Assert.IsEmpty(reported);
    }

    private static byte[] ReadAll(Stream stream)
    {
        // One byte at a time, as MQTTnet reads a fixed header.
        var result = new List<byte>();
        var buffer = new byte[1];
        while (stream.Read(buffer, 0, 1) == 1)
        {
            result.Add(buffer[0]);
        }

        return [.. result];
    }
}
