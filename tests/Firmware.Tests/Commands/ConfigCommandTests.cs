using System.Collections;
using System.Text;
using Eldercare.Firmware.Core.Commands;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Geofence;

namespace Eldercare.Firmware.Tests.Commands;

/// <summary>The <c>config</c> command of the command topic: one codec for the platform's side and the device's.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ConfigCommandTests
{
    [TestMethod]
    public void Config_OnTheWire_IsTheDocumentedObject()
    {
        var config = new DeviceConfig(3) { HeartbeatSeconds = 60, WakingHours = "07:00-22:00", InactivityMinutes = 180, Zones = "c,37.5123,122.1201,150" };

        Assert.AreEqual("{\"v\":1,\"cmd\":\"config\",\"ts\":1764720000000,\"by\":\"platform\",\"ver\":3,\"hb\":60,\"wake\":\"07:00-22:00\",\"idle\":180,\"zones\":\"c,37.5123,122.1201,150\"}",
            CommandCodec.EncodeConfigToString(config, 1_764_720_000_000, "platform"));
    }

    [TestMethod]
    public void Config_RoundTrips_EverySetting()
    {
        var config = new DeviceConfig(int.MaxValue)
        {
            HeartbeatSeconds = 30, CancelSeconds = 0, ReminderSeconds = 45, WakingHours = "22:30-06:15", InactivityMinutes = 90,
            Zones = "c,-33.8688,151.2093,300;p,37.51,122.12,37.52,122.12,37.52,122.13", LowBatteryPercent = 15, SessionSeconds = 120,
        };
        byte[] bytes = Encoding.UTF8.GetBytes(CommandCodec.EncodeConfigToString(config, 5, null));

        CommandDecodeResult result = CommandCodec.Decode(bytes, bytes.Length);

        Assert.IsTrue(result.IsValid, result.Detail);
        DeviceConfig back = result.Command.Config;
        Assert.AreEqual(CommandNames.Config, result.Command.Name);
        Assert.AreEqual((int.MaxValue, 30, 0, 45, "22:30-06:15", 90), (back.Version, back.HeartbeatSeconds, back.CancelSeconds, back.ReminderSeconds, back.WakingHours, back.InactivityMinutes));
        Assert.AreEqual((config.Zones, 15, 120), (back.Zones, back.LowBatteryPercent, back.SessionSeconds));
    }

    [TestMethod]
    public void Config_LeftOutSettings_AreAbsent_AndMergeKeepsTheEarlierOnes()
    {
        var first = new DeviceConfig(1) { HeartbeatSeconds = 30, Zones = "c,37.5,122.1,150" };
        var second = new DeviceConfig(2) { InactivityMinutes = 90, HeartbeatSeconds = 45 };

        DeviceConfig merged = second.MergedOnto(first);

        Assert.AreEqual((2, 45, 90, "c,37.5,122.1,150"), (merged.Version, merged.HeartbeatSeconds, merged.InactivityMinutes, merged.Zones));
        Assert.AreEqual((DeviceConfig.Absent, (string?)null), (merged.CancelSeconds, merged.WakingHours));
    }

    [TestMethod]
    [DataRow("{\"v\":1,\"cmd\":\"config\",\"ts\":1,\"hb\":60}", RejectReasons.MissingField, DisplayName = "no ver")]
    [DataRow("{\"v\":1,\"cmd\":\"config\",\"ts\":1,\"ver\":2}", RejectReasons.MissingField, DisplayName = "no setting")]
    [DataRow("{\"v\":1,\"cmd\":\"config\",\"ts\":1,\"ver\":0,\"hb\":60}", RejectReasons.BadField, DisplayName = "ver 0")]
    [DataRow("{\"v\":1,\"cmd\":\"config\",\"ts\":1,\"ver\":2,\"hb\":-5}", RejectReasons.BadField, DisplayName = "negative")]
    [DataRow("{\"v\":1,\"cmd\":\"config\",\"ts\":1,\"ver\":2,\"hb\":86401}", RejectReasons.BadField, DisplayName = "over a day")]
    [DataRow("{\"v\":1,\"cmd\":\"config\",\"ts\":1,\"ver\":2,\"hb\":\"60\"}", RejectReasons.BadField, DisplayName = "number as string")]
    [DataRow("{\"v\":1,\"cmd\":\"config\",\"ts\":1,\"ver\":2,\"wake\":\"7-22\"}", RejectReasons.BadField, DisplayName = "bad wake")]
    [DataRow("{\"v\":1,\"cmd\":\"config\",\"ts\":1,\"ver\":2,\"wake\":7}", RejectReasons.BadField, DisplayName = "wake as number")]
    [DataRow("{\"v\":1,\"cmd\":\"config\",\"ts\":1,\"ver\":2,\"zones\":\"x,1,2,3\"}", RejectReasons.BadField, DisplayName = "bad zone kind")]
    [DataRow("{\"v\":1,\"cmd\":\"config\",\"ts\":1,\"ver\":2,\"zones\":\"c,91,2,150\"}", RejectReasons.BadField, DisplayName = "latitude off the globe")]
    [DataRow("{\"v\":1,\"cmd\":\"config\",\"ts\":1,\"ver\":2,\"zones\":\"p,1,2,3,4\"}", RejectReasons.BadField, DisplayName = "polygon of two corners")]
    [DataRow("{\"v\":1,\"cmd\":\"config\",\"ts\":1,\"ver\":2,\"zones\":\"c,1,2,150;\"}", RejectReasons.BadField, DisplayName = "empty zone")]
    [DataRow("{\"v\":1,\"cmd\":\"config\",\"ts\":1,\"ver\":2,\"hb\":60,\"ref\":\"d:1:2\"}", RejectReasons.UnknownField, DisplayName = "ref on a config")]
    [DataRow("{\"v\":1,\"cmd\":\"config\",\"ts\":1,\"ver\":2,\"hb\":60,\"reboot\":1}", RejectReasons.UnknownField, DisplayName = "unknown setting")]
    [DataRow("{\"v\":1,\"cmd\":\"config\",\"ts\":1,\"ver\":2,\"hb\":60,\"hb\":30}", RejectReasons.MalformedJson, DisplayName = "duplicate")]
    [DataRow("{\"v\":1,\"cmd\":\"ack\",\"ref\":\"d:1:2\",\"ts\":1,\"hb\":60}", RejectReasons.UnknownField, DisplayName = "setting on an ack")]
    public void Decode_BadConfig_RefusedWithAReason(string text, string reason)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);

        CommandDecodeResult result = CommandCodec.Decode(bytes, bytes.Length);

        Assert.IsFalse(result.IsValid);
        Assert.AreEqual(reason, result.Reason, result.Detail);
    }

    [TestMethod]
    public void Decode_Oversized_RefusedAsTooLarge()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("{\"v\":1,\"cmd\":\"config\",\"ts\":1,\"ver\":2,\"zones\":\"" + new string('1', 1100) + "\"}");

        Assert.AreEqual(RejectReasons.TooLarge, CommandCodec.Decode(bytes, bytes.Length).Reason);
    }

    [TestMethod]
    [DataRow("07:00-22:00\",\"hb\":\"1", DisplayName = "JSON injection in wake")]
    [DataRow("07:00-22:00\n", DisplayName = "control character")]
    public void Encode_StringThatWouldBreakTheJson_Refused(string wake) =>
        Assert.IsNull(CommandCodec.EncodeConfigToString(new DeviceConfig(1) { WakingHours = wake }, 1, null));

    [TestMethod]
    public void Encode_ZonesWithAQuote_Refused() =>
        Assert.IsNull(CommandCodec.EncodeConfigToString(new DeviceConfig(1) { Zones = "c,1,2,150\"" }, 1, null));

    [TestMethod]
    public void ZoneText_CircleAndPolygon_ParsedInOrderWithNames()
    {
        var zones = new ArrayList();

        string? problem = ZoneText.Parse("c,37.5123000,122.1201000,150;p,37.51,122.12,37.52,122.12,37.52,122.13", zones);

        Assert.IsNull(problem);
        Assert.HasCount(2, zones);
        var circle = (CircleZone)zones[0]!;
        Assert.AreEqual(("zone1", 375123000, 1221201000, 150f), (circle.Name, circle.CentreLatitudeE7, circle.CentreLongitudeE7, circle.RadiusMetres));
        var polygon = (PolygonZone)zones[1]!;
        Assert.AreEqual(("zone2", 3), (polygon.Name, polygon.VertexCount));
    }

    [TestMethod]
    [DataRow("", DisplayName = "empty")]
    [DataRow("c,37.5,122.1", DisplayName = "circle without radius")]
    [DataRow("c,37.5,122.1,150.5", DisplayName = "fractional radius")]
    [DataRow("c,37.12345678,122.1,150", DisplayName = "8 decimals")]
    [DataRow("c,37.5,181,150", DisplayName = "longitude off the globe")]
    [DataRow("c 37.5,122.1,150", DisplayName = "space")]
    [DataRow("p,1,1,2,2,3,3,4", DisplayName = "odd corner numbers")]
    public void ZoneText_Bad_RefusedWithAReason(string text)
    {
        var zones = new ArrayList();

        string? problem = ZoneText.Parse(text, zones);

        Assert.IsNotNull(problem);
        StringAssert.StartsWith(problem, text.Length == 0 || text.Contains(' ') ? "zones" : "zone1");
    }
}
