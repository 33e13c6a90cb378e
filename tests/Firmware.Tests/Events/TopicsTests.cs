using Eldercare.Firmware.Core.Events;

namespace Eldercare.Firmware.Tests.Events;

/// <summary>
/// <see cref="Topics"/> is the one place the topics are spelled; these vectors spell the wire on purpose, so a change
/// of a topic is a deliberate wire-format change (docs/wire-format.md, "MQTT") and not a side effect.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class TopicsTests
{
    [TestMethod]
    public void Builders_DeviceId_SpellWireFormatV1()
    {
        Assert.AreEqual("eldercare/v1/devices/pendant-0001/events", Topics.Events("pendant-0001"));
        Assert.AreEqual("eldercare/v1/devices/pendant-0001/status", Topics.Status("pendant-0001"));
        Assert.AreEqual("eldercare/v1/devices/pendant-0001/commands", Topics.Commands("pendant-0001"));
    }

    [TestMethod]
    public void Events_AnyDevice_IsSingleLevelWildcardFilter() =>
        Assert.AreEqual("eldercare/v1/devices/+/events", Topics.Events(Topics.AnyDevice));

    [TestMethod]
    public void AnyDevice_IsNeverAValidDeviceId() =>
        Assert.IsFalse(EventCodec.IsValidDeviceId(Topics.AnyDevice));

    [TestMethod]
    public void PlatformEvents_GatewayAndLane_SpellWireFormatV1()
    {
        Assert.AreEqual("eldercare/v1/platform/gw-01/events/alarm", Topics.PlatformEvents("gw-01", EventTypes.AlarmLane));
        Assert.AreEqual("eldercare/v1/platform/+/events/+", Topics.PlatformEventsFilter);
    }

    [TestMethod]
    public void TryParsePlatformEvents_BuiltTopic_GatewayAndLaneBack()
    {
        Assert.IsTrue(Topics.TryParsePlatformEvents(Topics.PlatformEvents("gw-01", "telemetry"), out string gateway, out string lane));
        Assert.AreEqual("gw-01", gateway);
        Assert.AreEqual("telemetry", lane);
    }

    [TestMethod]
    [DataRow("eldercare/v1/devices/pendant-1/events")]
    [DataRow("eldercare/v1/platform/gw-01/events/")]
    [DataRow("eldercare/v1/platform//events/alarm")]
    [DataRow("eldercare/v1/platform/gw-01/events/alarm/extra")]
    [DataRow("eldercare/v1/platform/a/b/events/alarm")]
    [DataRow("eldercare/v1/platform/+/events/alarm")]
    [DataRow("eldercare/v1/platform/gw-01/events/#")]
    [DataRow("x/eldercare/v1/platform/gw-01/events/alarm")]
    [DataRow("")]
    public void TryParsePlatformEvents_OtherShape_False(string topic) =>
        Assert.IsFalse(Topics.TryParsePlatformEvents(topic, out _, out _));

    [TestMethod]
    public void WireFormatDoc_TopicTable_NamesEveryTopic()
    {
        // Arrange
        string doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "wire-format.md"));

        // Assert
        foreach (string topic in new[] { Topics.Events("{deviceId}"), Topics.Status("{deviceId}"), Topics.Commands("{deviceId}"), Topics.PlatformEvents("{gatewayId}", "{lane}") })
        {
            Assert.Contains("| `" + topic + "` |", doc, "docs/wire-format.md's topic table");
        }
    }

    private static string RepositoryRoot()
    {
        DirectoryInfo? directory = new(AppContext.BaseDirectory);
        while (directory != null && !File.Exists(Path.Combine(directory.FullName, "Devices.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Devices.sln not found above " + AppContext.BaseDirectory);
    }
}
