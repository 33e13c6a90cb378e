using System.Text;
using Eldercare.CloudStub;

namespace Eldercare.Edge.Tests.CloudStub;

/// <summary>The batch parser's forward pass and its document path give the same batch; the overloads agree.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class BatchParserTests
{
    private const string Plain = """{"gateway":"gw-1","events":[{"id":"p-1:1:2","dev":"p-1","type":"heartbeat","lane":"telemetry","boot":1,"seq":2,"ts":10,"rx":11,"payload":"{\"v\":1}","skewMs":-5}]}""";

    private static readonly IncomingEvent Expected = new("p-1:1:2", "p-1", "heartbeat", "telemetry", 1, 2, 10, 11, "{\"v\":1}", -5);

    [TestMethod]
    public void Parse_ByteArraySpanAndMemory_SameBatch()
    {
        var bytes = Encoding.UTF8.GetBytes(Plain);

        var fromArray = BatchParser.Parse(bytes, 10);
        var fromSpan = BatchParser.Parse(bytes.AsSpan(), 10);
        var fromMemory = BatchParser.Parse(new ReadOnlyMemory<byte>(bytes), 10);

        foreach (var result in new[] { fromArray, fromSpan, fromMemory })
        {
            Assert.IsTrue(result.Ok, result.Detail);
            Assert.AreEqual("gw-1", result.Gateway);
            Assert.AreEqual(Expected, result.Events.Single());
        }
    }

    [TestMethod]
    [DataRow("""{"gateway":"gw-1","events":[{"\u0069d":"p-1:1:2","dev":"p-1","type":"heartbeat","lane":"telemetry","boot":1,"seq":2,"ts":10,"rx":11,"payload":"{\"v\":1}","skewMs":-5}]}""", DisplayName = "escaped member name")]
    [DataRow("""{"gateway":"gw-1","events":[{"id":"p-1:1:2","dev":"p-1","type":"heartbeat","lane":"telemetry","boot":1,"seq":7,"seq":2,"ts":10,"rx":11,"payload":"{\"v\":1}","skewMs":-5}]}""", DisplayName = "repeated member: the last counts")]
    [DataRow("""{"x":[1,{"y":2}],"gateway":"gw-1","events":[{"extra":{"a":[1]},"id":"p-1:1:2","dev":"p-1","type":"heartbeat","lane":"telemetry","boot":1,"seq":2,"ts":10,"rx":11,"payload":"{\"v\":1}","skewMs":-5}]}""", DisplayName = "unknown members skipped")]
    public void Parse_OtherSpellingsOfTheSameBatch_SameEvent(string body)
    {
        var result = BatchParser.Parse(Encoding.UTF8.GetBytes(body), 10);

        Assert.IsTrue(result.Ok, result.Detail);
        Assert.AreEqual(Expected, result.Events.Single());
    }

    [TestMethod]
    [DataRow("""{"gateway":"gw-1","events":[{"id":"p-1:1:2","dev":"p-1","type":"heartbeat","lane":"telemetry","boot":1,"seq":2,"ts":10,"rx":11,"payload":""}]}""", 400, "bad_field", DisplayName = "empty payload")]
    [DataRow("""{"gateway":"gw-1","events":[{"id":"p-1:1:2","dev":"p-1","type":"heartbeat","lane":"telemetry","boot":1,"seq":2,"ts":10,"rx":11,"payload":"{}","skewMs":"5"}]}""", 400, "bad_field", DisplayName = "skewMs as text")]
    [DataRow("""{"gateway":"gw-1","events":[{"id":"p-1:1:2","dev":"p-1","type":"heartbeat","lane":"telemetry","boot":1,"seq":2,"ts":10,"rx":11,"payload":"{}"}]} x""", 400, "malformed_json", DisplayName = "trailing text")]
    [DataRow("""{"gateway":"gw-1","events":[{},{}]}""", 413, "too_many_events", DisplayName = "over the limit")]
    [DataRow("""{"gateway":" ","events":[]}""", 400, "missing_field", DisplayName = "blank gateway")]
    public void Parse_NotAPlainBatch_RefusedWithTheDocumentPathsReason(string body, int status, string error)
    {
        var result = BatchParser.Parse(Encoding.UTF8.GetBytes(body), 1);

        Assert.IsFalse(result.Ok);
        Assert.AreEqual(status, result.StatusCode);
        Assert.AreEqual(error, result.Error, result.Detail);
    }
}
