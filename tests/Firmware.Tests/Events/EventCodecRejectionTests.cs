using System.Diagnostics;
using System.Text;
using Eldercare.Firmware.Core.Events;
using static Eldercare.Firmware.Tests.Events.EventTestData;

namespace Eldercare.Firmware.Tests.Events;

/// <summary>
/// Rejection vectors: each payload must be refused with the reason code of
/// docs/wire-format.md ("Rejections"), a detail, no event and no exception.
/// Vectors use ' for " (see <see cref="EventTestData.J"/>).
/// </summary>
[TestClass]
public sealed class EventCodecRejectionTests
{
    private const string Malformed = RejectReasons.MalformedJson;
    private const string BadField = RejectReasons.BadField;

    [TestMethod]
    [TestCategory("Unit")]
    // not JSON / not an object
    [DataRow("hello", Malformed)]
    [DataRow(" ", Malformed)]
    [DataRow("[1]", Malformed)]
    [DataRow("'text'", Malformed)]
    [DataRow("42", Malformed)]
    [DataRow("null", Malformed)]
    [DataRow("{v:1}", Malformed)]
    [DataRow("{'v' 1}", Malformed)]
    [DataRow("{,'v':1}", Malformed)]
    // truncated
    [DataRow("{", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1\\", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,", Malformed)]
    // trailing garbage, trailing comma, missing comma
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}x", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}{}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,}", Malformed)]
    [DataRow("{'v':1 'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", Malformed)]
    // numbers: leading zeros, bad syntax
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':01,'type':'sos','ts':0}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':00}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'bat':-01}", Malformed)]
    [DataRow("{'v':01,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'conf':00.5}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':+1}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':-}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':1.}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':1e}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':NaN}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':tru}", Malformed)]
    // strings: raw C0 control characters (not JSON: RFC 8259 section 7), bad escapes
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'info':'a\tb'}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'info':'a\nb'}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'info':'a\0b'}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'info':'\\x41'}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'info':'\\u12'}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'info':'\\u12g4'}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'info':'\\U0041'}", Malformed)]
    // duplicate keys
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'v':1}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'bat':1,'bat':1}", Malformed)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','type':'sos','ts':0}", Malformed)]
    // wrong field types
    [DataRow("{'v':'1','id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':1,'dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':7,'boot':1,'seq':1,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':'1','seq':1,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':true,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':null,'ts':0}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':1.5}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':1e3}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'bat':'87'}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'bat':null}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'bat':87.0}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'conf':'0.5'}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'conf':false}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'ref':'1'}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'info':1}", BadField)]
    [DataRow("{'v':1.0,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", BadField)]
    // nesting
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'info':{}}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'info':{'a':1}}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'bat':[87]}", BadField)]
    [DataRow("{'v':[1],'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':['sos'],'ts':0}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'info':[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]}", BadField)]
    // seq and boot out of range
    [DataRow("{'v':1,'id':'p1:1:0','dev':'p1','boot':1,'seq':0,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:-1','dev':'p1','boot':1,'seq':-1,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:2147483648','dev':'p1','boot':1,'seq':2147483648,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':99999999999999999999,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':-9223372036854775808,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':'p1:0:1','dev':'p1','boot':0,'seq':1,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':'p1:-5:1','dev':'p1','boot':-5,'seq':1,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':'p1:2147483648:1','dev':'p1','boot':2147483648,'seq':1,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':4294967297,'seq':1,'type':'sos','ts':0}", BadField)]
    // ts out of range
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':-1}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':10000000000000}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':999999999999999999}", BadField)]
    // bat, ref, conf out of range
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'bat':-1}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'bat':101}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos_cancel','ts':0,'ref':0}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos_cancel','ts':0,'ref':-1}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos_cancel','ts':0,'ref':2147483648}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'fall','ts':0,'conf':1.5}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'fall','ts':0,'conf':1.001}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'fall','ts':0,'conf':1.0005}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'fall','ts':0,'conf':2}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'fall','ts':0,'conf':-0.5}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'fall','ts':0,'conf':-0}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'fall','ts':0,'conf':5e-1}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'fall','ts':0,'conf':0.5E0}", BadField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'fall','ts':0,'conf':1e0}", BadField)]
    // dev not a device id
    [DataRow("{'v':1,'id':'P1:1:1','dev':'P1','boot':1,'seq':1,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':'-p:1:1','dev':'-p','boot':1,'seq':1,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':':1:1','dev':'','boot':1,'seq':1,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':'p_1:1:1','dev':'p_1','boot':1,'seq':1,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':'p/1:1:1','dev':'p/1','boot':1,'seq':1,'type':'sos','ts':0}", BadField)]
    [DataRow("{'v':1,'id':'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:1:1','dev':'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa','boot':1,'seq':1,'type':'sos','ts':0}", BadField)]
    // version
    [DataRow("{'v':0,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", RejectReasons.BadVersion)]
    [DataRow("{'v':2,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", RejectReasons.BadVersion)]
    [DataRow("{'v':-1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", RejectReasons.BadVersion)]
    [DataRow("{'v':4294967297,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", RejectReasons.BadVersion)]
    // unknown field
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'foo':1}", RejectReasons.UnknownField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'V':1}", RejectReasons.UnknownField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'':1}", RejectReasons.UnknownField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'lane':'alarm'}", RejectReasons.UnknownField)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'x':{'y':[1]}}", RejectReasons.UnknownField)]
    // unknown type
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'panic','ts':0}", RejectReasons.UnknownType)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'SOS','ts':0}", RejectReasons.UnknownType)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'','ts':0}", RejectReasons.UnknownType)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos ','ts':0}", RejectReasons.UnknownType)]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'alarm','ts':0}", RejectReasons.UnknownType)]
    // id not dev:boot:seq
    [DataRow("{'v':1,'id':'p1:1:2','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", RejectReasons.IdMismatch)]
    [DataRow("{'v':1,'id':'p1:2:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", RejectReasons.IdMismatch)]
    [DataRow("{'v':1,'id':'p2:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", RejectReasons.IdMismatch)]
    [DataRow("{'v':1,'id':'p1:01:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", RejectReasons.IdMismatch)]
    [DataRow("{'v':1,'id':'p1:1:1 ','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", RejectReasons.IdMismatch)]
    [DataRow("{'v':1,'id':'P1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", RejectReasons.IdMismatch)]
    [DataRow("{'v':1,'id':'','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", RejectReasons.IdMismatch)]
    [DataRow("{'v':1,'id':'p1-1-1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", RejectReasons.IdMismatch)]
    // missing fields
    [DataRow("{}", RejectReasons.MissingField)]
    [DataRow("{'v':2}", RejectReasons.MissingField)]
    public void Decode_InvalidPayload_RejectedWithReason(string vector, string expectedReason)
    {
        // Arrange
        byte[] payload = Bytes(J(vector));

        // Act
        DecodeResult result = EventCodec.Decode(payload);

        // Assert
        AssertRejected(result, expectedReason);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("a\\u0000b\\u0007c", "U+0000", DisplayName = "escaped NUL and BEL (the attack run's payload)")]
    [DataRow("\\u001f", "U+001F", DisplayName = "escaped unit separator, last of C0")]
    [DataRow("a\\nb", "U+000A", DisplayName = "short escape \\n")]
    [DataRow("a\\rb", "U+000D", DisplayName = "short escape \\r")]
    [DataRow("a\\tb", "U+0009", DisplayName = "short escape \\t")]
    [DataRow("a\\bb", "U+0008", DisplayName = "short escape \\b")]
    [DataRow("a\\fb", "U+000C", DisplayName = "short escape \\f")]
    [DataRow("\\u001B[31mred", "U+001B", DisplayName = "escaped ESC (terminal colour)")]
    [DataRow("\\u007f", "U+007F", DisplayName = "escaped DEL")]
    [DataRow("a\u007fb", "U+007F", DisplayName = "raw DEL (valid JSON, still a control character)")]
    [DataRow("\\u0085", "U+0085", DisplayName = "escaped NEL (C1)")]
    [DataRow("a\u009bb", "U+009B", DisplayName = "raw CSI (C1)")]
    [DataRow("\\u0080", "U+0080", DisplayName = "escaped first of C1")]
    [DataRow("\\u009F", "U+009F", DisplayName = "escaped last of C1")]
    public void Decode_InfoWithControlCharacterValidInJson_RejectedAsBadField(string escapedInfo, string named)
    {
        // Arrange: valid JSON (an escape, or DEL/C1 which JSON lets stand raw), but the format has no control
        // characters: on the device a NUL ends a string, in the gateway's log and console they forge output.
        string vector = MinimalValid.Replace("}", ",'info':'" + escapedInfo + "'}", StringComparison.Ordinal);

        // Act
        DecodeResult result = DecodeJson(vector);

        // Assert
        AssertRejected(result, BadField);
        Assert.Contains("'info'", result.Detail);
        Assert.Contains(named, result.Detail, "the character is named, never written");
        Assert.IsFalse(result.Detail.Any(c => c < ' ' || (c >= '\u007f' && c <= '\u009f')), "a control character in the detail: " + result.Detail);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1\\u0000','boot':1,'seq':1,'type':'sos','ts':0}", DisplayName = "dev")]
    [DataRow("{'v':1,'id':'p1:1:1\\n','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}", DisplayName = "id")]
    [DataRow("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos\\u0000','ts':0}", DisplayName = "type")]
    public void Decode_OtherStringFieldWithEscapedControlCharacter_RejectedAsBadField(string vector)
    {
        // Arrange: one rule for every string field, checked before the field's own rule (dev, id, type).
        byte[] payload = Bytes(J(vector));

        // Act
        DecodeResult result = EventCodec.Decode(payload);

        // Assert
        AssertRejected(result, BadField);
        Assert.Contains("control character", result.Detail);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("\\u0020", " ", DisplayName = "escaped space, first after C0")]
    [DataRow("\\u007e", "~", DisplayName = "escaped tilde, last before DEL")]
    [DataRow("\\u00a0", "\u00a0", DisplayName = "escaped no-break space, first after C1")]
    [DataRow("\\/", "/", DisplayName = "escaped solidus")]
    public void Decode_InfoWithEscapeNextToControlRange_Accepted(string escapedInfo, string expected)
    {
        // Arrange
        string vector = MinimalValid.Replace("}", ",'info':'" + escapedInfo + "'}", StringComparison.Ordinal);

        // Act
        DecodeResult result = DecodeJson(vector);

        // Assert
        Assert.IsTrue(result.Ok, result.Reason + " " + result.Detail);
        Assert.AreEqual(expected, result.Event.Info);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("v")]
    [DataRow("id")]
    [DataRow("dev")]
    [DataRow("boot")]
    [DataRow("seq")]
    [DataRow("type")]
    [DataRow("ts")]
    public void Decode_RequiredFieldMissing_RejectedAsMissingFieldNamingIt(string field)
    {
        // Arrange
        string[] members = ["'v':1", "'id':'p1:1:1'", "'dev':'p1'", "'boot':1", "'seq':1", "'type':'sos'", "'ts':0", "'bat':50"];
        string vector = "{" + string.Join(",", members.Where(m => !m.StartsWith("'" + field + "'", StringComparison.Ordinal))) + "}";

        // Act
        DecodeResult result = DecodeJson(vector);

        // Assert
        AssertRejected(result, RejectReasons.MissingField);
        Assert.Contains(field, result.Detail);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Decode_EmptyArray_RejectedAsMalformed()
    {
        // Arrange
        byte[] payload = [];

        // Act
        DecodeResult result = EventCodec.Decode(payload);

        // Assert
        AssertRejected(result, Malformed);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Decode_NullPayload_RejectedAsMalformed()
    {
        // Arrange
        byte[]? payload = null;

        // Act
        DecodeResult result = EventCodec.Decode(payload!);

        // Assert
        AssertRejected(result, Malformed);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(new byte[] { 0xC3, 0x28 }, DisplayName = "bad continuation C3 28")]
    [DataRow(new byte[] { 0xC0, 0xAF }, DisplayName = "overlong 2-byte C0 AF")]
    [DataRow(new byte[] { 0xC1, 0xBF }, DisplayName = "overlong 2-byte C1 BF")]
    [DataRow(new byte[] { 0xE0, 0x80, 0xAF }, DisplayName = "overlong 3-byte E0 80 AF")]
    [DataRow(new byte[] { 0xF0, 0x80, 0x80, 0xAF }, DisplayName = "overlong 4-byte F0 80 80 AF")]
    [DataRow(new byte[] { 0xED, 0xA0, 0x80 }, DisplayName = "high surrogate ED A0 80")]
    [DataRow(new byte[] { 0xED, 0xBF, 0xBF }, DisplayName = "low surrogate ED BF BF")]
    [DataRow(new byte[] { 0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80 }, DisplayName = "CESU-8 surrogate pair")]
    [DataRow(new byte[] { 0xF4, 0x90, 0x80, 0x80 }, DisplayName = "above U+10FFFF F4 90 80 80")]
    [DataRow(new byte[] { 0xF5, 0x80, 0x80, 0x80 }, DisplayName = "lead byte F5")]
    [DataRow(new byte[] { 0xF8, 0x88, 0x80, 0x80, 0x80 }, DisplayName = "5-byte form F8")]
    [DataRow(new byte[] { 0xFE }, DisplayName = "byte FE")]
    [DataRow(new byte[] { 0xFF }, DisplayName = "byte FF")]
    [DataRow(new byte[] { 0x80 }, DisplayName = "lone continuation 80")]
    [DataRow(new byte[] { 0xBF, 0x80 }, DisplayName = "two continuations")]
    [DataRow(new byte[] { 0xE2, 0x82 }, DisplayName = "truncated 3-byte E2 82")]
    [DataRow(new byte[] { 0xF0, 0x9F, 0x98 }, DisplayName = "truncated 4-byte F0 9F 98")]
    public void Decode_InvalidUtf8InInfo_RejectedAsMalformed(byte[] sequence)
    {
        // Arrange
        byte[] payload = EventCodecRoundTripTests.WithInfoBytes(sequence);

        // Act
        DecodeResult result = EventCodec.Decode(payload);

        // Assert
        AssertRejected(result, Malformed);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(new byte[] { 0xC3 }, DisplayName = "ends in C3")]
    [DataRow(new byte[] { 0xE2, 0x82 }, DisplayName = "ends in E2 82")]
    [DataRow(new byte[] { 0xF0, 0x9F, 0x98 }, DisplayName = "ends in F0 9F 98")]
    public void Decode_PayloadEndingInsideUtf8Sequence_RejectedAsMalformed(byte[] tail)
    {
        // Arrange
        byte[] head = Bytes(J(MinimalValid));
        byte[] payload = [.. head, .. tail];

        // Act
        DecodeResult result = EventCodec.Decode(payload);

        // Assert
        AssertRejected(result, Malformed);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Decode_Utf8ByteOrderMark_RejectedAsMalformed()
    {
        // Arrange
        byte[] payload = [0xEF, 0xBB, 0xBF, .. Bytes(J(MinimalValid))];

        // Act
        DecodeResult result = EventCodec.Decode(payload);

        // Assert
        AssertRejected(result, Malformed);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(EventCodec.MaxInfoLength + 1)]
    [DataRow(500)]
    public void Decode_InfoLongerThanMax_RejectedAsBadField(int length)
    {
        // Arrange
        string vector = MinimalValid.Replace("}", ",'info':'" + new string('x', length) + "'}", StringComparison.Ordinal);

        // Act
        DecodeResult result = DecodeJson(vector);

        // Assert
        AssertRejected(result, BadField);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Decode_TimestampAtMaximum_Accepted()
    {
        // Arrange
        string vector = MinimalValid.Replace("'ts':0", "'ts':" + EventCodec.MaxTimestampUnixMilliseconds, StringComparison.Ordinal);

        // Act
        DecodeResult result = DecodeJson(vector);

        // Assert
        Assert.IsTrue(result.Ok, result.Reason + " " + result.Detail);
        Assert.AreEqual(9999999999999, result.Event.TimestampUnixMilliseconds);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(EventCodec.MaxPayloadBytes + 1)]
    [DataRow(4096)]
    [DataRow(1_000_000)]
    public void Decode_PayloadOverLimit_RejectedAsTooLarge(int size)
    {
        // Arrange: otherwise valid JSON, padded with whitespace.
        string json = J(MinimalValid);
        byte[] payload = Bytes("{" + new string(' ', size - json.Length) + json[1..]);

        // Act
        DecodeResult result = EventCodec.Decode(payload);

        // Assert
        Assert.HasCount(size, payload);
        AssertRejected(result, RejectReasons.TooLarge);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("[", 10_000)]
    [DataRow("{", 10_000)]
    [DataRow("[", 1_000)]
    [DataRow("{'a':", 200)]
    public void Decode_DeeplyNested_RejectedQuicklyWithoutRecursion(string unit, int depth)
    {
        // Arrange
        var text = new StringBuilder();
        for (int i = 0; i < depth; i++)
        {
            text.Append(J(unit));
        }

        byte[] payload = Bytes(text.ToString());
        var clock = Stopwatch.StartNew();

        // Act
        DecodeResult result = EventCodec.Decode(payload);

        // Assert
        clock.Stop();
        Assert.IsFalse(result.Ok);
        string expected = payload.Length > EventCodec.MaxPayloadBytes ? RejectReasons.TooLarge
            : unit == "{'a':" ? RejectReasons.UnknownField : Malformed;
        AssertRejected(result, expected);
        Assert.IsLessThan(500, clock.ElapsedMilliseconds, "decode took " + clock.ElapsedMilliseconds + " ms");
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Decode_NestedValueJustUnderLimit_RejectedQuickly()
    {
        // Arrange: a known field whose value is ~1000 nested arrays, inside the size limit.
        string head = J("{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0,'info':");
        int depth = EventCodec.MaxPayloadBytes - head.Length - 1;
        byte[] payload = Bytes(head + new string('[', depth) + "}");
        var clock = Stopwatch.StartNew();

        // Act
        DecodeResult result = EventCodec.Decode(payload);

        // Assert
        clock.Stop();
        Assert.HasCount(EventCodec.MaxPayloadBytes, payload);
        AssertRejected(result, BadField);
        Assert.IsLessThan(500, clock.ElapsedMilliseconds);
    }

    internal static void AssertRejected(DecodeResult result, string expectedReason)
    {
        Assert.IsNotNull(result);
        Assert.IsFalse(result.Ok, "accepted: " + (result.Event == null ? "<null>" : Describe(result.Event)));
        Assert.IsNull(result.Event);
        Assert.AreEqual(expectedReason, result.Reason, "detail: " + result.Detail);
        Assert.IsFalse(string.IsNullOrEmpty(result.Detail), "rejection without a detail");
    }
}
