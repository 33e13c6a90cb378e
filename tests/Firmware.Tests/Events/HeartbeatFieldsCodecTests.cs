using Eldercare.Firmware.Core.Events;
using static Eldercare.Firmware.Tests.Events.EventTestData;

namespace Eldercare.Firmware.Tests.Events;

/// <summary>
/// The heartbeat's <c>rssi</c>, <c>fw</c> and <c>hbs</c>, and the wellness and battery types: optional fields added to v1 after
/// every older one, so payloads of earlier devices decode and re-encode byte for byte.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class HeartbeatFieldsCodecTests
{
    private const string Head = "{'v':1,'id':'pendant-0001:17:42','dev':'pendant-0001','boot':17,'seq':42,'ts':1763870000123,";

    [TestMethod]
    [DataRow(-61, "1.4.0")]
    [DataRow(-127, "1.4.0-rc.2+3f2a")]
    [DataRow(0, "0")]
    [DataRow(DeviceEvent.NoSignal, "0.13.0")]
    [DataRow(-40, null)]
    public void Heartbeat_WithSignalAndVersion_RoundTrips(int signal, string? fw)
    {
        var e = new DeviceEvent("pendant-0001", 17, 42, EventTypes.Heartbeat, 1763870000123) { BatteryPercent = 64, SignalDbm = signal, FirmwareVersion = fw };

        byte[] payload = EventCodec.Encode(e);
        DecodeResult result = EventCodec.Decode(payload);

        Assert.IsTrue(result.Ok, result.Detail);
        Assert.AreEqual(signal, result.Event.SignalDbm);
        Assert.AreEqual(fw, result.Event.FirmwareVersion);
        CollectionAssert.AreEqual(payload, EventCodec.Encode(result.Event));
    }

    [TestMethod]
    [DataRow(3600)]
    [DataRow(HeartbeatFields.MinHeartbeatSeconds)]
    [DataRow(HeartbeatFields.MaxHeartbeatSeconds)]
    [DataRow(DeviceEvent.Absent)]
    public void Heartbeat_WithItsPeriod_RoundTrips(int seconds)
    {
        var e = new DeviceEvent("pendant-0001", 17, 42, EventTypes.Heartbeat, 1763870000123) { BatteryPercent = 64, SignalDbm = -61, FirmwareVersion = "1.4.0", HeartbeatSeconds = seconds };

        byte[] payload = EventCodec.Encode(e);
        DecodeResult result = EventCodec.Decode(payload);

        Assert.IsTrue(result.Ok, result.Detail);
        Assert.AreEqual(seconds, result.Event.HeartbeatSeconds);
        CollectionAssert.AreEqual(payload, EventCodec.Encode(result.Event));
    }

    [TestMethod]
    public void Heartbeat_WithItsPeriod_DocumentedExample_ExactBytes()
    {
        var e = new DeviceEvent("pendant-0001", 17, 43, EventTypes.Heartbeat, 1763870060123) { BatteryPercent = 86, SignalDbm = -61, FirmwareVersion = "1.4.0", HeartbeatSeconds = 900 };

        Assert.AreEqual(
            "{\"v\":1,\"id\":\"pendant-0001:17:43\",\"dev\":\"pendant-0001\",\"boot\":17,\"seq\":43,\"type\":\"heartbeat\",\"ts\":1763870060123,\"bat\":86,\"rssi\":-61,\"fw\":\"1.4.0\",\"hbs\":900}",
            EventCodec.EncodeToString(e));
    }

    [TestMethod]
    [DataRow(5, DeviceEvent.Absent, DisplayName = "a test rig's 5 s: left out, the gateway's period applies")]
    [DataRow(9, DeviceEvent.Absent)]
    [DataRow(10, 10)]
    [DataRow(3600, 3600)]
    [DataRow(86400, 86400)]
    [DataRow(86401, DeviceEvent.Absent)]
    public void PeriodOrNone_OnlyWhatTheWireCarries(int seconds, int expected)
    {
        Assert.AreEqual(expected, HeartbeatFields.PeriodOrNone(seconds));
    }

    [TestMethod]
    public void Heartbeat_DocumentedExample_ExactBytes()
    {
        var e = new DeviceEvent("pendant-0001", 17, 43, EventTypes.Heartbeat, 1763870060123) { BatteryPercent = 86, SignalDbm = -61, FirmwareVersion = "1.4.0" };

        Assert.AreEqual(
            "{\"v\":1,\"id\":\"pendant-0001:17:43\",\"dev\":\"pendant-0001\",\"boot\":17,\"seq\":43,\"type\":\"heartbeat\",\"ts\":1763870060123,\"bat\":86,\"rssi\":-61,\"fw\":\"1.4.0\"}",
            EventCodec.EncodeToString(e));
    }

    [TestMethod]
    [DataRow(DocumentExample)]
    [DataRow("{\"v\":1,\"id\":\"pendant-0001:17:43\",\"dev\":\"pendant-0001\",\"boot\":17,\"seq\":43,\"type\":\"heartbeat\",\"ts\":1763870060123,\"bat\":86}")]
    [DataRow("{\"v\":1,\"id\":\"watch-0007:3:118\",\"dev\":\"watch-0007\",\"boot\":3,\"seq\":118,\"type\":\"geofence\",\"ts\":1763870000123,\"bat\":64,\"info\":\"zone=home;out=41m\",\"lat\":37.427913,\"lon\":-122.170157,\"hdop\":0.4,\"sats\":27}")]
    [DataRow("{\"v\":1,\"id\":\"kiosk-01:1:1\",\"dev\":\"kiosk-01\",\"boot\":1,\"seq\":1,\"type\":\"service\",\"ts\":0,\"card\":\"04A1B2C3\",\"svc\":\"meal\"}")]
    [DataRow("{\"v\":1,\"id\":\"p1:1:2\",\"dev\":\"p1\",\"boot\":1,\"seq\":2,\"type\":\"fall\",\"ts\":5,\"bat\":3,\"conf\":0.93,\"info\":\"peak=4.21g\"}")]
    public void OlderPayload_DecodesAndReEncodesByteForByte(string json)
    {
        byte[] payload = Bytes(json);

        DecodeResult result = EventCodec.Decode(payload);

        Assert.IsTrue(result.Ok, result.Detail);
        Assert.AreEqual(DeviceEvent.NoSignal, result.Event.SignalDbm);
        Assert.IsNull(result.Event.FirmwareVersion);
        Assert.AreEqual(DeviceEvent.Absent, result.Event.HeartbeatSeconds, "no hbs: older firmware, the gateway's configured period");
        CollectionAssert.AreEqual(payload, EventCodec.Encode(result.Event));
    }

    [TestMethod]
    [DataRow("'type':'heartbeat','rssi':-128}", "rssi must be -127..0")]
    [DataRow("'type':'heartbeat','rssi':1}", "rssi must be -127..0")]
    [DataRow("'type':'heartbeat','rssi':-61.5}", "must be an integer")]
    [DataRow("'type':'heartbeat','rssi':'-61'}", "must be a number")]
    [DataRow("'type':'heartbeat','fw':''}", "fw must be")]
    [DataRow("'type':'heartbeat','fw':'1.4.0 beta'}", "fw must be")]
    [DataRow("'type':'heartbeat','fw':'1234567890123456789012345'}", "fw must be")]
    [DataRow("'type':'heartbeat','fw':140}", "must be a string")]
    [DataRow("'type':'heartbeat','hbs':9}", "hbs must be 10..86400 s (the heartbeat period), got 9")]
    [DataRow("'type':'heartbeat','hbs':86401}", "hbs must be 10..86400 s (the heartbeat period), got 86401")]
    [DataRow("'type':'heartbeat','hbs':0}", "hbs must be 10..86400 s")]
    [DataRow("'type':'heartbeat','hbs':-900}", "hbs must be 10..86400 s")]
    [DataRow("'type':'heartbeat','hbs':900.5}", "field 'hbs' must be an integer")]
    [DataRow("'type':'heartbeat','hbs':'900'}", "field 'hbs' must be a number")]
    [DataRow("'type':'sos','hbs':900}", "rssi, fw and hbs are only for heartbeat")]
    [DataRow("'type':'sos','rssi':-61}", "only for heartbeat")]
    [DataRow("'type':'wellness','fw':'1.4.0'}", "only for heartbeat")]
    public void BadHeartbeatField_IsBadField(string tail, string detail)
    {
        DecodeResult result = DecodeJson(Head + tail);

        EventCodecRejectionTests.AssertRejected(result, RejectReasons.BadField);
        StringAssert.Contains(result.Detail, detail);
    }

    [TestMethod]
    [DataRow(EventTypes.Wellness, EventTypes.AlarmLane, true)]
    [DataRow(EventTypes.NotWorn, EventTypes.ServiceLane, false)]
    [DataRow(EventTypes.BatteryLow, EventTypes.ServiceLane, false)]
    [DataRow(EventTypes.Charging, EventTypes.ServiceLane, false)]
    public void NewType_KnownWithItsLane(string type, string lane, bool acknowledgeable)
    {
        DecodeResult result = DecodeJson(Head + "'type':'" + type + "','bat':19,'info':'still=180min;waking=07:00-22:00'}");

        Assert.IsTrue(result.Ok, result.Detail);
        Assert.AreEqual(lane, EventTypes.LaneOf(type));
        Assert.AreEqual(acknowledgeable, EventTypes.IsAcknowledgeable(type));
        Assert.AreEqual(lane == EventTypes.AlarmLane, EventTypes.IsAlarm(type));
    }
}
