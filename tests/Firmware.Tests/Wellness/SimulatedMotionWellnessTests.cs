using Eldercare.Firmware.Core.Wellness;
using Eldercare.VirtualDevice;
using Eldercare.VirtualDevice.Adapters;

namespace Eldercare.Firmware.Tests.Wellness;

/// <summary>The host twin's behaviours, read by the core's monitor as the demo's "quiet ID" and "charge ID" rely on.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class SimulatedMotionWellnessTests
{
    private static readonly WellnessOptions Demo = new() { InactivityMinutes = 2, NotWornAfterSeconds = 60 };

    [TestMethod]
    [DataRow(SimulatedMotion.Behaviour.Active, 0, DisplayName = "active: walks every 20-40 s, never alarms")]
    [DataRow(SimulatedMotion.Behaviour.Quiet, WellnessTransition.Inactive, DisplayName = "quiet: worn but still, alarms")]
    [DataRow(SimulatedMotion.Behaviour.Flat, WellnessTransition.NotWorn, DisplayName = "flat: not worn, never alarms")]
    public void Behaviour_ReadByTheCoreForTenMinutes_GivesItsTransition(SimulatedMotion.Behaviour behaviour, int expected)
    {
        var motion = new SimulatedMotion(seed: 42) { Current = behaviour };
        var monitor = new InactivityMonitor(Demo, 50);
        var transitions = new List<int>();

        for (int i = 0; i < 10 * 60 * 50; i++)
        {
            motion.TryRead(out float x, out float y, out float z);
            int transition = monitor.AddSample(x, y, z, Motion.NineAmChinaUtc + (i * 20L));
            if (transition != WellnessTransition.None)
            {
                transitions.Add(transition);
            }
        }

        CollectionAssert.AreEqual(expected == 0 ? Array.Empty<int>() : new[] { expected }, transitions.ToArray());
    }

    [TestMethod]
    [DataRow("07:00-22:00", 420, 1320)]
    [DataRow("00:00-24:00", 0, 0)]
    [DataRow("22:30-06:15", 1350, 375)]
    public void WakingHoursRange_Valid_Parsed(string text, int from, int until)
    {
        Assert.IsTrue(WakingHours.TryParseRange(text, out int f, out int u));
        Assert.AreEqual((from, until), (f, u));
    }

    [TestMethod]
    [DataRow("7-22")]
    [DataRow("07:00-25:00")]
    [DataRow("07:60-22:00")]
    [DataRow("24:30-06:00")]
    [DataRow("07:00")]
    [DataRow("7:00-22:00x")]
    [DataRow("07.00-22:00")]
    public void WakingHoursRange_Invalid_Refused(string text) => Assert.IsFalse(WakingHours.TryParseRange(text, out _, out _));
}
