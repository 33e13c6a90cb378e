using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Wellness;

namespace Eldercare.Firmware.Tests.Wellness;

[TestClass]
[TestCategory("Unit")]
public sealed class WellnessOptionsTests
{
    [TestMethod]
    public void Validate_Defaults_Valid()
    {
        var options = new WellnessOptions();

        Assert.IsNull(options.Validate());
        Assert.AreEqual((180, 420, 1320, 480, 0.06f), (options.InactivityMinutes, options.WakingFromMinuteOfDay, options.WakingUntilMinuteOfDay, options.UtcOffsetMinutes, options.MovementThresholdG));
    }

    [TestMethod]
    [DataRow("InactivityMinutes", 0)]
    [DataRow("InactivityMinutes", 721)]
    [DataRow("WakingFromMinuteOfDay", 1440)]
    [DataRow("WakingUntilMinuteOfDay", -1)]
    [DataRow("UtcOffsetMinutes", 841)]
    [DataRow("UtcOffsetMinutes", -721)]
    [DataRow("MovementThresholdG", 0.01)]
    [DataRow("MovementThresholdG", 1.5)]
    [DataRow("NotWornAfterSeconds", 10800)]
    [DataRow("NotWornAfterSeconds", 29)]
    [DataRow("NotWornMaxDeviationG", 0.06)]
    [DataRow("NotWornMaxDriftG", 0.0)]
    [DataRow("NotWornMaxTiltDegrees", 31)]
    public void Validate_OutOfRange_NamesTheSetting(string setting, double value)
    {
        var options = new WellnessOptions();
        var property = typeof(WellnessOptions).GetProperty(setting)!;
        property.SetValue(options, property.PropertyType == typeof(float) ? (object)(float)value : (int)value);

        string? problem = options.Validate();

        Assert.IsNotNull(problem);
        StringAssert.Contains(problem, setting);
    }

    [TestMethod]
    public void Validate_WearableWithBadWellness_Refused()
    {
        var options = new WearableOptions("pendant-0001");
        options.Wellness!.InactivityMinutes = 0;

        StringAssert.Contains(options.Validate(), "InactivityMinutes");
    }

    [TestMethod]
    [DataRow(420, 1320, 6, 59, false)]
    [DataRow(420, 1320, 7, 0, true)]
    [DataRow(420, 1320, 21, 59, true)]
    [DataRow(420, 1320, 22, 0, false)]
    [DataRow(1320, 360, 23, 0, true)]   // night-shift waking hours over midnight
    [DataRow(1320, 360, 12, 0, false)]
    [DataRow(600, 600, 3, 0, true)]     // equal: no night
    public void WakingHours_LocalTimeInChina_InsideOrNot(int from, int until, int localHour, int localMinute, bool expected)
    {
        var hours = new WakingHours(from, until, 480);
        long utc = Motion.NineAmChinaUtc + ((((localHour - 9) * 60L) + localMinute) * 60_000L);

        Assert.AreEqual(expected, hours.Contains(utc));
    }

    [TestMethod]
    [DataRow(0, "00:00")]
    [DataRow(420, "07:00")]
    [DataRow(1339, "22:19")]
    public void WakingHours_Format_HoursAndMinutes(int minute, string expected) => Assert.AreEqual(expected, WakingHours.Format(minute));
}
