using CsCheck;
using Eldercare.Firmware.Core.Events;
using Eldercare.Edge.Gateway.Broker;

namespace Eldercare.Security.Tests.Broker;

/// <summary>Topic parsing at the gateway under any string: never throws, and accepts only the exact canonical topics.</summary>
[TestClass]
[TestCategory("Security")]
public sealed class TopicAclPropertyTests
{
    private static readonly Gen<string> Topic = Gen.Frequency<string>(
        (1, Gen.String),
        (2, Gen.Select(Gen.OneOf(Gen.Const("pendant-0001"), Gen.Const("+"), Gen.Const("#"), Gen.Const(".."), Gen.Const(""), Gen.Const("PENDANT-0001"), Gen.Const("pendant-0001/x")),
                Gen.OneOf(Gen.Const("/events"), Gen.Const("/status"), Gen.Const("/commands"), Gen.Const("/events/"), Gen.Const("")))
            .Select((id, suffix) => Topics.Root + id + suffix)));

    [TestMethod]
    public void ClassifyAndParse_AnyTopic_OnlyCanonicalTopicsAccepted()
    {
        Topic.Sample(topic =>
        {
            var kind = TopicAcl.ClassifyPublish("pendant-0001", topic);
            Assert.IsTrue(kind == TopicKind.NotAllowed || topic == Topics.Events("pendant-0001") || topic == Topics.Status("pendant-0001"), topic);
            Assert.AreEqual(topic == Topics.Commands("pendant-0001"), TopicAcl.MaySubscribe("pendant-0001", topic), topic);
            if (TopicAcl.TryParseEventsTopic(topic, out var id))
            {
                Assert.AreEqual(Topics.Events(id), topic, "a parsed id rebuilds the exact topic");
                Assert.IsFalse(id.Contains('/') || id.Contains('+') || id.Contains('#') || id.Contains(".."), id);
            }
        }, iter: 20_000);
    }
}
