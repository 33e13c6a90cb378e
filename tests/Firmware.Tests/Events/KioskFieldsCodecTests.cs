using Eldercare.Firmware.Core.Events;
using static Eldercare.Firmware.Tests.Events.EventTestData;

namespace Eldercare.Firmware.Tests.Events;

/// <summary>The kiosk's fields: <c>card</c> (a card UID, never anything longer) and <c>svc</c> (one of the 六助 codes).</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class KioskFieldsCodecTests
{
    private const string Head = "{'v':1,'id':'kiosk-01:1:1','dev':'kiosk-01','boot':1,'seq':1,'ts':0,";

    [TestMethod]
    [DataRow(EventTypes.CheckIn, "04A1B2C3", null)]
    [DataRow(EventTypes.ServiceRequest, "04A1B2C3D4E5F6", ServiceCodes.Meal)]
    [DataRow(EventTypes.ServiceRequest, null, ServiceCodes.Shopping)]
    [DataRow(EventTypes.Sos, "0102030405060708090A", null)]
    [DataRow(EventTypes.Sos, null, null)]
    public void KioskEvent_RoundTrips(string type, string? card, string? svc)
    {
        var e = new DeviceEvent("kiosk-01", 3, 9, type, 1_764_720_000_000) { Card = card, Service = svc };

        DecodeResult result = EventCodec.Decode(EventCodec.Encode(e));

        Assert.IsTrue(result.Ok, result.Detail);
        Assert.AreEqual(card, result.Event.Card);
        Assert.AreEqual(svc, result.Event.Service);
        Assert.AreEqual(type == EventTypes.Sos ? EventTypes.AlarmLane : EventTypes.ServiceLane, EventTypes.LaneOf(type));
    }

    [TestMethod]
    [DataRow("'type':'checkin'}", "a checkin needs card")]
    [DataRow("'type':'checkin','card':'04a1b2c3'}", "upper-case hex")]
    [DataRow("'type':'checkin','card':'04A1B2'}", "4, 7 or 10 byte")]
    [DataRow("'type':'checkin','card':'110101195001011234'}", "4, 7 or 10 byte")]
    [DataRow("'type':'service','card':'04A1B2C3'}", "needs svc")]
    [DataRow("'type':'service','svc':'massage'}", "needs svc")]
    [DataRow("'type':'sos','svc':'meal'}", "svc is only for service")]
    [DataRow("'type':'heartbeat','card':'04A1B2C3'}", "card is only for")]
    [DataRow("'type':'checkin','card':4}", "must be a string")]
    public void BadKioskField_IsBadField(string tail, string detail)
    {
        DecodeResult result = DecodeJson(Head + tail);

        Assert.IsFalse(result.Ok);
        Assert.AreEqual(RejectReasons.BadField, result.Reason);
        StringAssert.Contains(result.Detail, detail);
    }

    [TestMethod]
    public void ServiceCodes_EveryButtonHasAKnownCode()
    {
        for (int i = 0; i < ServiceCodes.Count; i++)
        {
            Assert.IsTrue(ServiceCodes.IsKnown(ServiceCodes.ByButton(i)));
            StringAssert.Contains(ServiceCodes.All, ServiceCodes.ByButton(i));
        }

        Assert.IsNull(ServiceCodes.ByButton(ServiceCodes.Count));
    }
}
