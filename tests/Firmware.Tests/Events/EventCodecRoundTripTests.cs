using System.Text;
using Eldercare.Firmware.Core.Events;
using static Eldercare.Firmware.Tests.Events.EventTestData;

namespace Eldercare.Firmware.Tests.Events;

[TestClass]
public sealed class EventCodecRoundTripTests
{
    [TestMethod]
    [TestCategory("Unit")]
    public void EncodeToString_DocumentExample_MatchesWireFormatDoc()
    {
        // Arrange
        DeviceEvent e = NewEvent(bat: 87);

        // Act
        string json = EventCodec.EncodeToString(e);

        // Assert
        Assert.AreEqual(DocumentExample, json);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Decode_DocumentExample_GivesEveryField()
    {
        // Arrange
        byte[] payload = Bytes(DocumentExample);

        // Act
        DecodeResult result = EventCodec.Decode(payload);

        // Assert
        Assert.IsTrue(result.Ok, result.Reason + " " + result.Detail);
        Assert.IsNull(result.Reason);
        Assert.IsNull(result.Detail);
        AssertSameValues(NewEvent(bat: 87), result.Event);
        Assert.AreEqual("pendant-0001:17:42", result.Event.Id);
        Assert.AreEqual(DeviceEvent.CurrentVersion, result.Event.Version);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(EventTypes.Sos)]
    [DataRow(EventTypes.SosCancel)]
    [DataRow(EventTypes.Fall)]
    [DataRow(EventTypes.FallCancel)]
    [DataRow(EventTypes.Heartbeat)]
    public void EncodeDecode_TypeWithoutOptionalFields_RoundTrips(string type)
    {
        // Arrange
        DeviceEvent e = NewEvent(type: type);

        // Act
        byte[] payload = EventCodec.Encode(e);
        DecodeResult result = EventCodec.Decode(payload);

        // Assert
        Assert.IsTrue(result.Ok, result.Reason + " " + result.Detail);
        AssertSameValues(e, result.Event);
        string json = Encoding.UTF8.GetString(payload);
        Assert.DoesNotContain("\"bat\"", json);
        Assert.DoesNotContain("\"conf\"", json);
        Assert.DoesNotContain("\"ref\"", json);
        Assert.DoesNotContain("\"info\"", json);
        Assert.AreEqual(DeviceEvent.Absent, result.Event.BatteryPercent);
        Assert.AreEqual(DeviceEvent.Absent, result.Event.ConfidencePerMille);
        Assert.AreEqual(DeviceEvent.Absent, result.Event.ReferenceSequence);
        Assert.IsNull(result.Event.Info);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(EventTypes.Sos)]
    [DataRow(EventTypes.SosCancel)]
    [DataRow(EventTypes.Fall)]
    [DataRow(EventTypes.FallCancel)]
    [DataRow(EventTypes.Heartbeat)]
    public void EncodeDecode_TypeWithAllOptionalFields_RoundTrips(string type)
    {
        // Arrange
        DeviceEvent e = NewEvent(type: type, bat: 55, confPerMille: 873, reference: 41, info: "peak=4.21g;still=0.93");

        // Act
        DecodeResult result = EventCodec.Decode(EventCodec.Encode(e));

        // Assert
        Assert.IsTrue(result.Ok, result.Reason + " " + result.Detail);
        AssertSameValues(e, result.Event);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(0, 0, 1, "")]
    [DataRow(100, 1000, int.MaxValue, "x")]
    [DataRow(0, 1, 1, "a")]
    [DataRow(1, 999, 2, "b")]
    [DataRow(DeviceEvent.Absent, 10, DeviceEvent.Absent, null)]
    [DataRow(7, DeviceEvent.Absent, 3, null)]
    public void EncodeDecode_OptionalFieldBoundaries_RoundTrip(int bat, int conf, int reference, string? info)
    {
        // Arrange
        DeviceEvent e = NewEvent(type: EventTypes.Fall, bat: bat, confPerMille: conf, reference: reference, info: info);

        // Act
        DecodeResult result = EventCodec.Decode(EventCodec.Encode(e));

        // Assert
        Assert.IsTrue(result.Ok, result.Reason + " " + result.Detail);
        AssertSameValues(e, result.Event);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(87)]
    [DataRow(500)]
    [DataRow(873)]
    [DataRow(1000)]
    public void EncodeToString_Confidence_WritesDecimalInUnitRange(int perMille)
    {
        // Arrange
        DeviceEvent e = NewEvent(type: EventTypes.Fall, confPerMille: perMille);

        // Act
        string json = EventCodec.EncodeToString(e);

        // Assert: a plain JSON number 0..1 without exponent, read back by any JSON parser.
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        System.Text.Json.JsonElement conf = doc.RootElement.GetProperty("conf");
        Assert.AreEqual(System.Text.Json.JsonValueKind.Number, conf.ValueKind);
        Assert.AreEqual(perMille / 1000m, conf.GetDecimal());
        Assert.DoesNotContain("e", conf.GetRawText());
        Assert.DoesNotContain("E", conf.GetRawText());
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("quote \" inside")]
    [DataRow("back\\slash and \\\" both")]
    [DataRow("slash / stays")]
    [DataRow("caf\u00e9 \u4e2d\u6587 \u20ac")]
    [DataRow("emoji \U0001F600 and \U0001F9D3")]
    [DataRow("nbsp \u00a0 bom \ufeff tilde ~ space")]
    [DataRow("")]
    public void EncodeDecode_InfoWithSpecialCharacters_RoundTripsEscaped(string info)
    {
        // Arrange
        DeviceEvent e = NewEvent(type: EventTypes.Fall, info: info);

        // Act
        byte[] payload = EventCodec.Encode(e);
        DecodeResult result = EventCodec.Decode(payload);

        // Assert
        Assert.IsTrue(result.Ok, result.Reason + " " + result.Detail);
        Assert.AreEqual(info, result.Event.Info);
        string json = Encoding.UTF8.GetString(payload);
        Assert.IsFalse(json.Any(c => c < ' '), "raw control character on the wire: " + json);
        using var doc = System.Text.Json.JsonDocument.Parse(payload);
        Assert.AreEqual(info, doc.RootElement.GetProperty("info").GetString(), "a standard JSON parser reads another info");
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("nul \0 bell \u0007 unit-sep \u001f", "nul   bell   unit-sep  ")]
    [DataRow("tab\tnewline\nreturn\rbackspace\bformfeed\f", "tab newline return backspace formfeed ")]
    [DataRow("del \u007f c1 \u0085 \u009b", "del   c1    ")]
    public void Encode_InfoWithControlCharacters_WritesEachAsSpace(string info, string expected)
    {
        // Arrange: the wire format refuses control characters (escaped too: bad_field), so the encoder must not
        // write them, or the gateway would refuse the event (an alarm lost for its detail text).
        DeviceEvent e = NewEvent(type: EventTypes.Fall, info: info);

        // Act
        byte[] payload = EventCodec.Encode(e);
        DecodeResult result = EventCodec.Decode(payload);

        // Assert
        Assert.IsTrue(result.Ok, result.Reason + " " + result.Detail);
        Assert.AreEqual(expected, result.Event.Info);
        Assert.DoesNotContain("\\u00", Encoding.UTF8.GetString(payload), "no escaped control character on the wire");
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void EncodeDecode_InfoOfExactlyMaxLength_RoundTrips()
    {
        // Arrange
        DeviceEvent e = NewEvent(type: EventTypes.Fall, info: new string('x', EventCodec.MaxInfoLength));

        // Act
        DecodeResult result = EventCodec.Decode(EventCodec.Encode(e));

        // Assert
        Assert.IsTrue(result.Ok, result.Reason + " " + result.Detail);
        AssertSameValues(e, result.Event);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void EncodeDecode_LargestFields_RoundTrip()
    {
        // Arrange
        DeviceEvent e = NewEvent(
            dev: "a" + new string('-', EventCodec.MaxDeviceIdLength - 2) + "9",
            boot: int.MaxValue,
            seq: int.MaxValue,
            type: EventTypes.FallCancel,
            ts: EventCodec.MaxTimestampUnixMilliseconds,
            bat: 100,
            confPerMille: 1000,
            reference: int.MaxValue,
            info: new string('\u20ac', EventCodec.MaxInfoLength));

        // Act
        byte[] payload = EventCodec.Encode(e);
        DecodeResult result = EventCodec.Decode(payload);

        // Assert
        Assert.IsLessThanOrEqualTo(EventCodec.MaxPayloadBytes, payload.Length);
        Assert.IsTrue(result.Ok, result.Reason + " " + result.Detail);
        AssertSameValues(e, result.Event);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(" \t\r\n{ 'v' : 1 , 'id' : 'p1:1:1' , 'dev' : 'p1' , 'boot' : 1 , 'seq' : 1 , 'type' : 'sos' , 'ts' : 0 } \n")]
    [DataRow("{'ts':0,'type':'sos','seq':1,'boot':1,'dev':'p1','id':'p1:1:1','v':1}")]
    [DataRow("{'v':1,'id':'p\\u0031:1:1','dev':'\\u0070\\u0031','boot':1,'seq':1,'type':'s\\u006fs','ts':0}")]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':-0}")]
    public void Decode_EquivalentSpellings_AcceptedAsSameEvent(string vector)
    {
        // Arrange
        DeviceEvent expected = NewEvent(dev: "p1", boot: 1, seq: 1, ts: 0);

        // Act
        DecodeResult result = DecodeJson(vector);

        // Assert
        Assert.IsTrue(result.Ok, result.Reason + " " + result.Detail);
        AssertSameValues(expected, result.Event);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("0", 0)]
    [DataRow("1", 1000)]
    [DataRow("0.5", 500)]
    [DataRow("0.873", 873)]
    [DataRow("0.0004", 0)]
    [DataRow("0.0005", 1)]
    [DataRow("0.9995", 1000)]
    [DataRow("1.000", 1000)]
    public void Decode_ConfidenceInRange_GivesPerMille(string conf, int expected)
    {
        // Arrange
        string vector = MinimalValid.Replace("}", ",'conf':" + conf + "}", StringComparison.Ordinal);

        // Act
        DecodeResult result = DecodeJson(vector);

        // Assert
        Assert.IsTrue(result.Ok, result.Reason + " " + result.Detail);
        Assert.AreEqual(expected, result.Event.ConfidencePerMille);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(new byte[] { 0xC3, 0xA9 })]
    [DataRow(new byte[] { 0xE2, 0x82, 0xAC })]
    [DataRow(new byte[] { 0xEF, 0xBF, 0xBF })]
    [DataRow(new byte[] { 0xF0, 0x9F, 0x98, 0x80 })]
    [DataRow(new byte[] { 0xF4, 0x8F, 0xBF, 0xBF })]
    public void Decode_ValidMultibyteUtf8InInfo_Accepted(byte[] sequence)
    {
        // Arrange
        byte[] payload = WithInfoBytes(sequence);

        // Act
        DecodeResult result = EventCodec.Decode(payload);

        // Assert
        Assert.IsTrue(result.Ok, result.Reason + " " + result.Detail);
        Assert.AreEqual("a" + Encoding.UTF8.GetString(sequence) + "b", result.Event.Info);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Decode_LengthShorterThanBuffer_DecodesOnlyThePrefix()
    {
        // Arrange: an MQTT receive buffer with stale bytes after the message.
        byte[] message = Bytes(J(MinimalValid));
        byte[] buffer = new byte[EventCodec.MaxPayloadBytes];
        Array.Fill(buffer, (byte)'x');
        Array.Copy(message, buffer, message.Length);

        // Act
        DecodeResult result = EventCodec.Decode(buffer, message.Length);

        // Assert
        Assert.IsTrue(result.Ok, result.Reason + " " + result.Detail);
        Assert.AreEqual("p1:1:1", result.Event.Id);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Decode_ExactlyMaxPayloadBytes_Accepted()
    {
        // Arrange: whitespace padding to exactly 1024 bytes.
        string json = J(MinimalValid);
        json = json.Replace("{", "{" + new string(' ', EventCodec.MaxPayloadBytes - json.Length), StringComparison.Ordinal);
        byte[] payload = Bytes(json);

        // Act
        DecodeResult result = EventCodec.Decode(payload);

        // Assert
        Assert.HasCount(EventCodec.MaxPayloadBytes, payload);
        Assert.IsTrue(result.Ok, result.Reason + " " + result.Detail);
    }

    internal static byte[] WithInfoBytes(byte[] sequence)
    {
        byte[] head = Bytes(J("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'fall','ts':0,'info':'a"));
        byte[] tail = Bytes(J("b'}"));
        byte[] payload = new byte[head.Length + sequence.Length + tail.Length];
        head.CopyTo(payload, 0);
        sequence.CopyTo(payload, head.Length);
        tail.CopyTo(payload, head.Length + sequence.Length);
        return payload;
    }
}
