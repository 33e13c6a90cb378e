using System.Text;
using Eldercare.Firmware.Core.Commands;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.Firmware.Tests.Commands;

[TestClass]
[TestCategory("Unit")]
public sealed class CommandCodecTests
{
    [TestMethod]
    [DataRow("pendant-0001:1:1", 0L, null)]
    [DataRow("w-9:2147483647:2147483647", 9999999999999L, "center")]
    [DataRow("kiosk-01:12:57", 1764720000000L, "platform")]
    public void Ack_RoundTrips(string reference, long ts, string? by)
    {
        byte[] bytes = CommandCodec.EncodeAck(reference, ts, by);

        CommandDecodeResult result = CommandCodec.Decode(bytes, bytes.Length);

        Assert.IsTrue(result.IsValid, result.Detail);
        Assert.AreEqual(CommandNames.Ack, result.Command.Name);
        Assert.AreEqual(reference, result.Command.Reference);
        Assert.AreEqual(ts, result.Command.TimestampUnixMilliseconds);
        Assert.AreEqual(by, result.Command.By);
    }

    [TestMethod]
    public void Ack_OnTheWire_IsTheDocumentedObject() =>
        Assert.AreEqual("{\"v\":1,\"cmd\":\"ack\",\"ref\":\"pendant-0001:12:57\",\"ts\":1764720000000,\"by\":\"center\"}",
            CommandCodec.EncodeAckToString("pendant-0001:12:57", 1_764_720_000_000, "center"));

    [TestMethod]
    [DataRow("pendant-0001:1", 1L, null, DisplayName = "not dev:boot:seq")]
    [DataRow("pendant-0001:1:2~00ff00ff00ff00ff", 1L, null, DisplayName = "derived conflict id")]
    [DataRow("Pendant:1:2", 1L, null, DisplayName = "bad device id")]
    [DataRow("pendant:0:2", 1L, null, DisplayName = "boot 0")]
    [DataRow("pendant:1:2", -1L, null, DisplayName = "negative ts")]
    [DataRow("pendant:1:2", 1L, "Operator Wang", DisplayName = "a name, not a role")]
    [DataRow("pendant:1:2", 1L, "a\"b", DisplayName = "quote in by")]
    public void EncodeAck_RefusesWhatTheDeviceWouldRefuse(string reference, long ts, string? by) =>
        Assert.IsNull(CommandCodec.EncodeAckToString(reference, ts, by));

    [TestMethod]
    [DataRow("{\"v\":1,\"cmd\":\"ack\",\"ref\":\"d:1:2\",\"ts\":1,\"x\":1}", RejectReasons.UnknownField)]
    [DataRow("{\"v\":1,\"cmd\":\"ack\",\"ref\":\"d:1:2\"}", RejectReasons.MissingField)]
    [DataRow("{\"v\":2,\"cmd\":\"ack\",\"ref\":\"d:1:2\",\"ts\":1}", RejectReasons.BadVersion)]
    [DataRow("{\"v\":1,\"cmd\":\"reboot\",\"ref\":\"d:1:2\",\"ts\":1}", RejectReasons.UnknownType)]
    [DataRow("{\"v\":1,\"cmd\":\"config\",\"ref\":\"d:1:2\",\"ts\":1}", RejectReasons.UnknownField)]
    [DataRow("{\"v\":1,\"cmd\":\"ack\",\"ref\":\"d:1:02\",\"ts\":1}", RejectReasons.BadField)]
    [DataRow("{\"v\":1,\"cmd\":\"ack\",\"ref\":\"d:1:99999999999\",\"ts\":1}", RejectReasons.BadField)]
    [DataRow("{\"v\":1,\"cmd\":\"ack\",\"ref\":\"d:1:2\",\"ts\":\"1\"}", RejectReasons.BadField)]
    [DataRow("{\"v\":1,\"cmd\":\"ack\",\"ref\":\"d:1:2\",\"ts\":1,\"by\":\"x\\ny\"}", RejectReasons.BadField)]
    [DataRow("{\"v\":1,\"cmd\":\"ack\",\"cmd\":\"ack\",\"ref\":\"d:1:2\",\"ts\":1}", RejectReasons.MalformedJson)]
    [DataRow("{\"v\":1,\"cmd\":\"ack\",\"ref\":\"d:1:2\",\"ts\":1", RejectReasons.MalformedJson)]
    [DataRow("[1]", RejectReasons.MalformedJson)]
    public void Decode_RefusesWithAReason(string text, string reason)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);

        CommandDecodeResult result = CommandCodec.Decode(bytes, bytes.Length);

        Assert.IsFalse(result.IsValid);
        Assert.AreEqual(reason, result.Reason, result.Detail);
        Assert.IsFalse(result.Detail.Any(char.IsControl), "a reason never carries a control character into a log");
    }

    [TestMethod]
    public void Decode_Oversized_IsTooLargeBeforeParsing()
    {
        byte[] bytes = new byte[CommandCodec.MaxPayloadBytes + 1];

        Assert.AreEqual(RejectReasons.TooLarge, CommandCodec.Decode(bytes, bytes.Length).Reason);
    }

    [TestMethod]
    public void Decode_NeverThrows_OnRandomBytes()
    {
        var random = new Random(12);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] bytes = new byte[random.Next(0, 80)];
            random.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length > 2)
            {
                // Mostly-valid shapes reach deeper paths.
                byte[] prefix = Encoding.UTF8.GetBytes("{\"v\":1,\"cmd\":\"ack\",\"ref\":\"");
                bytes = [.. prefix, .. bytes];
            }

            CommandDecodeResult result = CommandCodec.Decode(bytes, bytes.Length);
            Assert.IsTrue(result.IsValid || result.Reason is not null);
        }
    }
}
