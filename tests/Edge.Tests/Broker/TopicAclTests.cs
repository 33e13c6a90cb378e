using Eldercare.Edge.Gateway.Broker;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.Edge.Tests.Broker;

[TestClass]
[TestCategory("Unit")]
public sealed class TopicAclTests
{
    [TestMethod]
    [DataRow(Topics.Root + "pendant-1" + Topics.EventsSuffix, TopicKind.Events)]
    [DataRow(Topics.Root + "pendant-1" + Topics.StatusSuffix, TopicKind.Status)]
    [DataRow(Topics.Root + "pendant-2" + Topics.EventsSuffix, TopicKind.NotAllowed)]
    [DataRow(Topics.Root + "pendant-1" + Topics.CommandsSuffix, TopicKind.NotAllowed)]
    [DataRow(Topics.Root + "pendant-2" + Topics.CommandsSuffix, TopicKind.NotAllowed)]
    [DataRow(Topics.Root + Topics.AnyDevice + Topics.CommandsSuffix, TopicKind.NotAllowed)]
    [DataRow(Topics.Root + Topics.AnyDevice + Topics.EventsSuffix, TopicKind.NotAllowed)]
    [DataRow(Topics.Root + "#", TopicKind.NotAllowed)]
    [DataRow(Topics.Root + "pendant-1/../pendant-2" + Topics.EventsSuffix, TopicKind.NotAllowed)]
    [DataRow(Topics.Root + "pendant-1" + Topics.EventsSuffix + "/", TopicKind.NotAllowed)]
    [DataRow(Topics.Root + "pendant-10" + Topics.EventsSuffix, TopicKind.NotAllowed)]
    [DataRow(Topics.Root + "pendant-" + Topics.EventsSuffix, TopicKind.NotAllowed)]
    [DataRow(Topics.Root + "pendant-1", TopicKind.NotAllowed)]
    [DataRow(Topics.Root + "pendant", TopicKind.NotAllowed)]
    [DataRow("x" + Topics.Root + "pendant-1" + Topics.EventsSuffix, TopicKind.NotAllowed)]
    [DataRow("", TopicKind.NotAllowed)]
    [DataRow(null, TopicKind.NotAllowed)]
    public void ClassifyPublish_Topic_Expected(string? topic, TopicKind expected) =>
        Assert.AreEqual(expected, TopicAcl.ClassifyPublish("pendant-1", topic));

    [TestMethod]
    public void ClassifyPublish_OwnTopicInOtherCase_NotAllowed()
    {
        var own = Topics.Events("pendant-1");

        Assert.AreEqual(TopicKind.NotAllowed, TopicAcl.ClassifyPublish("pendant-1", char.ToUpperInvariant(own[0]) + own[1..]));
    }

    [TestMethod]
    [DataRow(Topics.Root + "pendant-1" + Topics.CommandsSuffix, true)]
    [DataRow(Topics.Root + "pendant-2" + Topics.CommandsSuffix, false)]
    [DataRow(Topics.Root + Topics.AnyDevice + Topics.CommandsSuffix, false)]
    [DataRow(Topics.Root + "pendant-1/#", false)]
    [DataRow(Topics.Root + "pendant-1/+", false)]
    [DataRow(Topics.Root + "pendant-1" + Topics.CommandsSuffix + "/#", false)]
    [DataRow(Topics.Root + "pendant-1" + Topics.CommandsSuffix + "/", false)]
    [DataRow("+/v1/devices/pendant-1" + Topics.CommandsSuffix, false)]
    [DataRow("$share/g/" + Topics.Root + "pendant-1" + Topics.CommandsSuffix, false)]
    [DataRow(Topics.Root + "pendant-1/../pendant-2" + Topics.CommandsSuffix, false)]
    [DataRow(Topics.Root + "pendant-1" + Topics.EventsSuffix, false)]
    [DataRow("", false)]
    [DataRow(null, false)]
    [DataRow("#", false)]
    public void MaySubscribe_Filter_Expected(string filter, bool expected) =>
        Assert.AreEqual(expected, TopicAcl.MaySubscribe("pendant-1", filter));

    [TestMethod]
    [DataRow(Topics.Root + "watch-3" + Topics.EventsSuffix, true, "watch-3")]
    [DataRow(Topics.Root + "Watch 3" + Topics.EventsSuffix, false, "")]
    [DataRow(Topics.Root + "watch-3" + Topics.StatusSuffix, false, "")]
    [DataRow(Topics.Root + Topics.EventsSuffix, false, "")]
    public void TryParseEventsTopic_Topic_Expected(string topic, bool ok, string device)
    {
        Assert.AreEqual(ok, TopicAcl.TryParseEventsTopic(topic, out var parsed));
        Assert.AreEqual(device, parsed);
    }
}
