using Eldercare.Firmware.Core.Events;
using static Eldercare.Firmware.Tests.Events.EventTestData;

namespace Eldercare.Firmware.Tests.Events;

/// <summary>The gateway's own events about a device (<c>device_offline</c>, <c>device_online</c>): <c>subj</c> names the
/// device, <c>dev</c> is the gateway, the id keeps <c>dev:boot:seq</c>; alarm lane.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class GatewayEventCodecTests
{
    private const string Head = "{'v':1,'id':'gw-01:4:7','dev':'gw-01','boot':4,'seq':7,'ts':0,";

    [TestMethod]
    [DataRow(EventTypes.DeviceOffline, DeviceEvent.Absent)]
    [DataRow(EventTypes.DeviceOnline, 6)]
    public void GatewayEvent_RoundTripsInTheAlarmLane(string type, int reference)
    {
        var e = new DeviceEvent("gw-01", 4, 7, type, 1_764_720_000_000) { Subject = "pendant-0001", ReferenceSequence = reference, Info = "reason=last_will;silent=31s" };

        DecodeResult result = EventCodec.Decode(EventCodec.Encode(e));

        Assert.IsTrue(result.Ok, result.Detail);
        Assert.AreEqual("pendant-0001", result.Event.Subject);
        Assert.AreEqual("gw-01:4:7", result.Event.Id);
        Assert.AreEqual(reference, result.Event.ReferenceSequence);
        Assert.AreEqual(EventTypes.AlarmLane, EventTypes.LaneOf(type));
        Assert.IsTrue(EventTypes.IsGatewayMade(type));
    }

    [TestMethod]
    public void AlarmTaken_RoundTripsInTheServiceLane_GatewayMade_NotAcknowledgeable()
    {
        var e = new DeviceEvent("gw-01", 6, 1, EventTypes.AlarmTaken, 1_764_720_000_000) { Subject = "pendant-0001", Info = "ref=pendant-0001:12:57;by=center;wait=23s" };

        DecodeResult result = EventCodec.Decode(EventCodec.Encode(e));

        Assert.IsTrue(result.Ok, result.Detail);
        Assert.AreEqual("ref=pendant-0001:12:57;by=center;wait=23s", result.Event.Info);
        Assert.AreEqual(EventTypes.ServiceLane, EventTypes.LaneOf(EventTypes.AlarmTaken));
        Assert.IsTrue(EventTypes.IsGatewayMade(EventTypes.AlarmTaken));
        Assert.IsFalse(EventTypes.IsAlarm(EventTypes.AlarmTaken));
        Assert.IsFalse(EventTypes.IsAcknowledgeable(EventTypes.AlarmTaken));
    }

    [TestMethod]
    public void Acknowledgeable_OfflineYes_OnlineNo()
    {
        Assert.IsTrue(EventTypes.IsAcknowledgeable(EventTypes.DeviceOffline));
        Assert.IsFalse(EventTypes.IsAcknowledgeable(EventTypes.DeviceOnline));
        Assert.IsFalse(EventTypes.IsGatewayMade(EventTypes.Sos));
    }

    [TestMethod]
    [DataRow("'type':'device_offline'}", RejectReasons.MissingField, "missing subj")]
    [DataRow("'type':'device_online','subj':'pendant-0001'}", RejectReasons.MissingField, "missing ref")]
    [DataRow("'type':'device_offline','subj':'Pendant 1'}", RejectReasons.BadField, "subj must be a device id")]
    [DataRow("'type':'alarm_taken'}", RejectReasons.MissingField, "missing subj")]
    [DataRow("'type':'device_offline','subj':7}", RejectReasons.BadField, "must be a string")]
    [DataRow("'type':'sos','subj':'pendant-0001'}", RejectReasons.BadField, "subj is only for")]
    [DataRow("'type':'heartbeat','subj':'pendant-0001'}", RejectReasons.BadField, "subj is only for")]
    public void BadSubject_IsRefused(string tail, string reason, string detail)
    {
        DecodeResult result = DecodeJson(Head + tail);

        Assert.IsFalse(result.Ok);
        Assert.AreEqual(reason, result.Reason);
        StringAssert.Contains(result.Detail, detail);
    }
}
