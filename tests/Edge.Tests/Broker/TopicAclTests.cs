using Eldercare.Edge.Gateway.Broker;

namespace Eldercare.Edge.Tests.Broker;

[TestClass]
[TestCategory("Unit")]
public sealed class TopicAclTests
{
    [TestMethod]
    [DataRow("eldercare/v1/devices/pendant-1/events", TopicKind.Events)]
    [DataRow("eldercare/v1/devices/pendant-1/status", TopicKind.Status)]
    [DataRow("eldercare/v1/devices/pendant-2/events", TopicKind.NotAllowed)]
    [DataRow("eldercare/v1/devices/pendant-1/commands", TopicKind.NotAllowed)]
    [DataRow("eldercare/v1/devices/+/events", TopicKind.NotAllowed)]
    [DataRow("eldercare/v1/devices/#", TopicKind.NotAllowed)]
    [DataRow("eldercare/v1/devices/pendant-1/../pendant-2/events", TopicKind.NotAllowed)]
    [DataRow("eldercare/v1/devices/pendant-1/events/", TopicKind.NotAllowed)]
    [DataRow("Eldercare/v1/devices/pendant-1/events", TopicKind.NotAllowed)]
    [DataRow("", TopicKind.NotAllowed)]
    public void ClassifyPublish_Topic_Expected(string topic, TopicKind expected) =>
        Assert.AreEqual(expected, TopicAcl.ClassifyPublish("pendant-1", topic));

    [TestMethod]
    [DataRow("eldercare/v1/devices/pendant-1/commands", true)]
    [DataRow("eldercare/v1/devices/pendant-2/commands", false)]
    [DataRow("eldercare/v1/devices/+/commands", false)]
    [DataRow("eldercare/v1/devices/pendant-1/#", false)]
    [DataRow("#", false)]
    public void MaySubscribe_Filter_Expected(string filter, bool expected) =>
        Assert.AreEqual(expected, TopicAcl.MaySubscribe("pendant-1", filter));

    [TestMethod]
    [DataRow("eldercare/v1/devices/watch-3/events", true, "watch-3")]
    [DataRow("eldercare/v1/devices/Watch 3/events", false, "")]
    [DataRow("eldercare/v1/devices/watch-3/status", false, "")]
    [DataRow("eldercare/v1/devices//events", false, "")]
    public void TryParseEventsTopic_Topic_Expected(string topic, bool ok, string device)
    {
        Assert.AreEqual(ok, TopicAcl.TryParseEventsTopic(topic, out var parsed));
        Assert.AreEqual(device, parsed);
    }
}
