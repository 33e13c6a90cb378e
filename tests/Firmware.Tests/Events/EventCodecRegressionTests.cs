using System.Text;
using Eldercare.Firmware.Core.Events;
using static Eldercare.Firmware.Tests.Events.EventTestData;

namespace Eldercare.Firmware.Tests.Events;

/// <summary>
/// Regression tests for codec bugs found by the property tests (lone surrogate escapes,
/// conf just above 1, re-encoding that grew a valid payload past the limit); all fixed.
/// </summary>
[TestClass]
public sealed class EventCodecRegressionTests
{
    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("\\ud800")]
    [DataRow("\\udfff")]
    [DataRow("a\\ud83d")]
    [DataRow("\\ude00\\ud83d")]
    [DataRow("\\ud83d\\u0041")]
    [DataRow("\\ud83d\\ud83d")]
    public void Decode_InfoWithLoneSurrogateEscape_RejectedAsMalformed(string escaped)
    {
        // Arrange: RFC 8259 allows the syntax, but it is not Unicode: it cannot be stored
        // as UTF-8 and re-encoding silently turns it into U+FFFD.
        string vector = MinimalValid.Replace("}", ",'info':'" + escaped + "'}", StringComparison.Ordinal);

        // Act
        DecodeResult result = DecodeJson(vector);

        // Assert
        EventCodecRejectionTests.AssertRejected(result, RejectReasons.MalformedJson);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void DecodeEncodeDecode_LoneSurrogateEscape_KeepsInfo()
    {
        // Arrange: the property "decodes => re-encodes to the same values" (the failing form).
        byte[] payload = Bytes(J(MinimalValid.Replace("}", ",'info':'\\ud800'}", StringComparison.Ordinal)));

        // Act + Assert
        AssertDecodesSafely(payload);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Decode_InfoWithEscapedSurrogatePair_GivesTheCharacter()
    {
        // Arrange: the correct form of a character above U+FFFF stays accepted.
        string vector = MinimalValid.Replace("}", ",'info':'\\ud83d\\ude00'}", StringComparison.Ordinal);

        // Act
        DecodeResult result = DecodeJson(vector);

        // Assert
        Assert.IsTrue(result.Ok, result.Reason + " " + result.Detail);
        Assert.AreEqual("\U0001F600", result.Event.Info);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("1.0001")]
    [DataRow("1.0004")]
    [DataRow("1.00049999")]
    [DataRow("1.0000001")]
    public void Decode_ConfidenceJustAboveOne_RejectedAsBadField(string conf)
    {
        // Arrange: docs/wire-format.md: conf is 0..1.
        string vector = MinimalValid.Replace("}", ",'conf':" + conf + "}", StringComparison.Ordinal);

        // Act
        DecodeResult result = DecodeJson(vector);

        // Assert
        EventCodecRejectionTests.AssertRejected(result, RejectReasons.BadField);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(true, DisplayName = "200 x \\\" in info")]
    [DataRow(false, DisplayName = "conf 0 in a 1024-byte payload")]
    public void DecodeEncode_ValidPayloadAtLimit_ReencodesWithinLimit(bool shortEscapes)
    {
        // Arrange
        byte[] payload = shortEscapes ? ShortEscapesPayload() : ConfZeroPayload();
        DecodeResult decoded = EventCodec.Decode(payload);
        Assert.IsTrue(decoded.Ok, decoded.Reason + " " + decoded.Detail);

        // Act
        byte[] again = EventCodec.Encode(decoded.Event);

        // Assert
        Assert.IsLessThanOrEqualTo(EventCodec.MaxPayloadBytes, again.Length, "re-encoded " + payload.Length + " bytes as " + again.Length);
        Assert.IsTrue(EventCodec.Decode(again).Ok);
    }

    /// <summary>
    /// A valid payload well under the limit whose info is 200 short escapes (\", 2 bytes each). It was 200 x \n
    /// until escaped control characters were refused (bad_field).
    /// </summary>
    internal static byte[] ShortEscapesPayload()
    {
        var info = new StringBuilder();
        for (int i = 0; i < EventCodec.MaxInfoLength; i++)
        {
            info.Append("\\\"");
        }

        return Bytes(J(MinimalValid.Replace("}", ",'info':'", StringComparison.Ordinal)) + info + "\"}");
    }

    /// <summary>A valid, whitespace-free payload of exactly 1024 bytes with "conf":0.</summary>
    internal static byte[] ConfZeroPayload()
    {
        string head = J("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'fall','ts':0,'conf':0,'info':'");
        const string tail = "\"}";

        // \u escapes (6 bytes, 1 char; \u0041, as control characters are refused), one 3-byte character and
        // ASCII fill the rest while info stays under 200 chars.
        int budget = EventCodec.MaxPayloadBytes - head.Length - tail.Length;
        int ascii = budget % 3;
        int units = budget / 3;
        var info = new StringBuilder();
        info.Insert(0, "\\u0041", units / 2);
        info.Append('\u20ac', units % 2);
        info.Append('a', ascii);
        int chars = (units / 2) + (units % 2) + ascii;

        byte[] payload = Bytes(head + info + tail);
        Assert.HasCount(EventCodec.MaxPayloadBytes, payload);
        Assert.IsLessThanOrEqualTo(EventCodec.MaxInfoLength, chars);
        return payload;
    }
}
