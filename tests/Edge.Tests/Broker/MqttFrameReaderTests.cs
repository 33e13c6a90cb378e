using Eldercare.Edge.Gateway.Broker;

namespace Eldercare.Edge.Tests.Broker;

/// <summary>The listener's framing over byte arrays (STYLE.md habit 16): no socket, no seconds.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class MqttFrameReaderTests
{
    private const int Max = 16_384;

    [TestMethod]
    public void Read_Empty_NeedMore() =>
        Assert.AreEqual(MqttFrameStatus.NeedMore, MqttFrameReader.Read([], Max, connectReceived: true).Status);

    [TestMethod]
    [DataRow(new byte[] { 0x30 }, DisplayName = "type byte only")]
    [DataRow(new byte[] { 0x30, 0x80 }, DisplayName = "length continues")]
    [DataRow(new byte[] { 0x30, 0xFF, 0xFF, 0xFF }, DisplayName = "three continuation bytes, the fourth not in")]
    [DataRow(new byte[] { 0x30, 0x05, 1, 2, 3 }, DisplayName = "body short by two")]
    public void Read_Incomplete_NeedMore(byte[] bytes) =>
        Assert.AreEqual(MqttFrameStatus.NeedMore, MqttFrameReader.Read(bytes, Max, connectReceived: true).Status);

    [TestMethod]
    public void Read_PingReqFollowedByMore_OneCompleteFrame()
    {
        var frame = MqttFrameReader.Read([0xC0, 0x00, 0x30, 0x02], Max, connectReceived: true);

        Assert.AreEqual(new MqttFrame(MqttFrameStatus.Complete, 0xC0, 2, 0), frame);
    }

    [TestMethod]
    [DataRow(new byte[] { 0x7F }, 127, 2)]
    [DataRow(new byte[] { 0x80, 0x01 }, 128, 3)]
    [DataRow(new byte[] { 0x80, 0x80, 0x01 }, 16_384, 4)]
    public void Read_MultiByteLength_DecodedWithHeaderLength(byte[] length, int body, int headerLength)
    {
        var bytes = new byte[1 + length.Length + body];
        bytes[0] = 0x30;
        length.CopyTo(bytes, 1);

        var frame = MqttFrameReader.Read(bytes, Max, connectReceived: true);

        Assert.AreEqual(new MqttFrame(MqttFrameStatus.Complete, 0x30, headerLength, body), frame);
    }

    [TestMethod]
    [DataRow(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, DisplayName = "30 FF FF FF FF 01")]
    [DataRow(new byte[] { 0x30, 0x80, 0x80, 0x80, 0x80, 0x01 }, DisplayName = "four continuation bytes announcing 0")]
    public void Read_FiveByteLength_Malformed(byte[] bytes) =>
        Assert.AreEqual(MqttFrameStatus.MalformedLength, MqttFrameReader.Read(bytes, Max, connectReceived: true).Status);

    [TestMethod]
    [DataRow(new byte[] { 0x30, 0x81, 0x80, 0x01 }, 16_385L, DisplayName = "one byte over the limit")]
    [DataRow(new byte[] { 0x30, 0x80, 0x80, 0x40 }, 1_048_576L, DisplayName = "1 MB")]
    [DataRow(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0x7F }, 268_435_455L, DisplayName = "largest a 4-byte length announces")]
    public void Read_OverTheLimit_TooLargeWithTheAnnouncedSizeBeforeAnyBody(byte[] header, long announced)
    {
        var frame = MqttFrameReader.Read(header, Max, connectReceived: true);

        Assert.AreEqual(MqttFrameStatus.TooLarge, frame.Status);
        Assert.AreEqual(announced, frame.BodyLength);
    }

    [TestMethod]
    [DataRow(new byte[] { 0x47, 0x45, 0x54, 0x20 }, DisplayName = "GET (an HTTP request)")]
    [DataRow(new byte[] { 0x82, 0x02, 0x00, 0x01 }, DisplayName = "SUBSCRIBE first")]
    [DataRow(new byte[] { 0x16, 0x03, 0x01, 0x00 }, DisplayName = "TLS ClientHello on the plain port")]
    public void Read_FirstPacketNotConnect_Refused(byte[] bytes) =>
        Assert.AreEqual(MqttFrameStatus.FirstNotConnect, MqttFrameReader.Read(bytes, Max, connectReceived: false).Status);

    [TestMethod]
    public void Read_ConnectFirst_Complete() =>
        Assert.AreEqual(MqttFrameStatus.Complete, MqttFrameReader.Read([0x10, 0x02, 0x00, 0x04], Max, connectReceived: false).Status);
}
