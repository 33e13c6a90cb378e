using Eldercare.Firmware.Core.Events;
using static Eldercare.Firmware.Tests.Events.EventTestData;

namespace Eldercare.Firmware.Tests.Events;

/// <summary>The geofence events and their position fields (lat, lon, hdop, sats) in wire format v1.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class EventCodecPositionTests
{
    /// <summary>The geofence example of docs/wire-format.md (there wrapped over two lines).</summary>
    private const string GeofenceExample =
        "{\"v\":1,\"id\":\"watch-0007:3:118\",\"dev\":\"watch-0007\",\"boot\":3,\"seq\":118,\"type\":\"geofence\",\"ts\":1763870000123,\"bat\":64,\"info\":\"zone=home;out=41m\",\"lat\":37.427913,\"lon\":-122.170157,\"hdop\":0.4,\"sats\":27}";

    [TestMethod]
    public void Encode_GeofenceAlarm_IsTheDocumentedExample()
    {
        DeviceEvent e = NewEvent("watch-0007", 3, 118, EventTypes.Geofence, 1763870000123, bat: 64, info: "zone=home;out=41m");
        e.LatitudeMicrodegrees = 37427913;
        e.LongitudeMicrodegrees = -122170157;
        e.HdopHundredths = 40;
        e.Satellites = 27;

        string json = EventCodec.EncodeToString(e);

        Assert.AreEqual(GeofenceExample, json);
        Assert.IsTrue(EventTypes.IsAlarm(EventTypes.Geofence));
        Assert.AreEqual(EventTypes.AlarmLane, EventTypes.LaneOf(EventTypes.Geofence));
    }

    [TestMethod]
    [DataRow(EventTypes.GeofenceReturn)]
    [DataRow(EventTypes.NoPosition)]
    public void LaneOf_ReturnAndNoPosition_ServiceLaneNotAlarms(string type)
    {
        // Never evicted like a heartbeat, never an alarm (issue 13).
        Assert.IsFalse(EventTypes.IsAlarm(type));
        Assert.AreEqual(EventTypes.ServiceLane, EventTypes.LaneOf(type));
    }

    [TestMethod]
    [DataRow(90000000, 180000000, "90", "180")]
    [DataRow(-90000000, -180000000, "-90", "-180")]
    [DataRow(1, -1, "0.000001", "-0.000001")]
    [DataRow(0, 0, "0", "0")]
    [DataRow(31248238, 121587407, "31.248238", "121.587407")]
    [DataRow(-27210810, 153052155, "-27.21081", "153.052155")]
    public void EncodeDecode_Coordinates_ShortestTextAndExactValue(int latitude, int longitude, string latitudeText, string longitudeText)
    {
        DeviceEvent e = NewEvent(type: EventTypes.GeofenceReturn);
        e.LatitudeMicrodegrees = latitude;
        e.LongitudeMicrodegrees = longitude;

        string json = EventCodec.EncodeToString(e);
        DecodeResult result = EventCodec.Decode(Bytes(json));

        StringAssert.Contains(json, "\"lat\":" + latitudeText + ",\"lon\":" + longitudeText);
        Assert.IsTrue(result.Ok, result.Detail);
        Assert.AreEqual(latitude, result.Event.LatitudeMicrodegrees);
        Assert.AreEqual(longitude, result.Event.LongitudeMicrodegrees);
    }

    [TestMethod]
    public void Decode_NoPositionWithoutCoordinates_Accepted()
    {
        DecodeResult result = DecodeJson(MinimalValid.Replace("'sos'", "'no_position'").Replace("}", ",'info':'no good fix since start'}"));

        Assert.IsTrue(result.Ok, result.Detail);
        Assert.IsFalse(result.Event.HasPosition);
    }

    [TestMethod]
    public void Decode_V1PayloadOfBefore_StillDecodesWithoutPosition()
    {
        DecodeResult result = EventCodec.Decode(Bytes(DocumentExample));

        Assert.IsTrue(result.Ok, result.Detail);
        Assert.IsFalse(result.Event.HasPosition);
        Assert.AreEqual(DeviceEvent.Absent, result.Event.HdopHundredths);
        Assert.AreEqual(DeviceEvent.Absent, result.Event.Satellites);
        CollectionAssert.AreEqual(Bytes(DocumentExample), EventCodec.Encode(result.Event), "re-encoded byte for byte: same digest, same id rule");
    }

    [TestMethod]
    [DataRow("'type':'geofence'", "", RejectReasons.MissingField)]
    [DataRow("'type':'geofence_return'", ",'hdop':0.9", RejectReasons.MissingField)]
    [DataRow("'type':'geofence'", ",'lat':37.4", RejectReasons.BadField)]
    [DataRow("'type':'sos'", ",'lon':122.1", RejectReasons.BadField)]
    [DataRow("'type':'geofence'", ",'lat':90.000001,'lon':0", RejectReasons.BadField)]
    [DataRow("'type':'geofence'", ",'lat':0,'lon':-180.5", RejectReasons.BadField)]
    [DataRow("'type':'geofence'", ",'lat':37.1234567,'lon':0", RejectReasons.BadField)]
    [DataRow("'type':'geofence'", ",'lat':3.7e1,'lon':0", RejectReasons.BadField)]
    [DataRow("'type':'geofence'", ",'lat':'37.4','lon':0", RejectReasons.BadField)]
    [DataRow("'type':'geofence'", ",'lat':37.,'lon':0", RejectReasons.MalformedJson)]
    [DataRow("'type':'geofence'", ",'lat':1000,'lon':0", RejectReasons.BadField)]
    [DataRow("'type':'geofence'", ",'lat':1,'lon':2,'hdop':100", RejectReasons.BadField)]
    [DataRow("'type':'geofence'", ",'lat':1,'lon':2,'hdop':-1", RejectReasons.BadField)]
    [DataRow("'type':'geofence'", ",'lat':1,'lon':2,'hdop':0.123", RejectReasons.BadField)]
    [DataRow("'type':'geofence'", ",'lat':1,'lon':2,'sats':100", RejectReasons.BadField)]
    [DataRow("'type':'geofence'", ",'lat':1,'lon':2,'sats':1.5", RejectReasons.BadField)]
    [DataRow("'type':'geofence'", ",'lat':1,'lat':1,'lon':2", RejectReasons.MalformedJson)]
    public void Decode_BadPosition_RejectedWithReason(string type, string fields, string reason)
    {
        string vector = MinimalValid.Replace("'type':'sos'", type).Replace("}", fields + "}");

        DecodeResult result = DecodeJson(vector);

        Assert.IsFalse(result.Ok, "accepted " + vector);
        Assert.AreEqual(reason, result.Reason, result.Detail);
    }

    [TestMethod]
    [DataRow(",'lat':37.4265,'lon':-122.17,'hdop':0.4,'sats':27", 37426500, -122170000, 40, 27)]
    [DataRow(",'lat':-0.5,'lon':0,'hdop':99.99,'sats':0", -500000, 0, 9999, 0)]
    [DataRow(",'sats':4", DeviceEvent.NoCoordinate, DeviceEvent.NoCoordinate, DeviceEvent.Absent, 4)]
    public void Decode_PositionFields_Values(string fields, int latitude, int longitude, int hdop, int satellites)
    {
        DecodeResult result = DecodeJson(MinimalValid.Replace("'sos'", "'no_position'").Replace("}", fields + "}"));

        Assert.IsTrue(result.Ok, result.Detail);
        Assert.AreEqual(latitude, result.Event.LatitudeMicrodegrees);
        Assert.AreEqual(longitude, result.Event.LongitudeMicrodegrees);
        Assert.AreEqual(hdop, result.Event.HdopHundredths);
        Assert.AreEqual(satellites, result.Event.Satellites);
    }
}
