using Eldercare.Firmware.Core.Geofence;
using Eldercare.Firmware.Core.Gnss;

namespace Eldercare.Firmware.Tests.Geofence;

/// <summary>The monitor while the GNSS duty cycle has the module off: "no position" counts only module time.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class GeofenceMonitorSuspendTests
{
    [TestMethod]
    public void Tick_SuspendedLongerThanTheNoPositionTime_NothingReported()
    {
        var monitor = new GeofenceMonitor(Fixes.HomeCircle());
        Assert.AreEqual(GeofenceTransition.None, monitor.Update(Fixes.At(0, 0), 1_000));
        monitor.Suspend(2_000);

        Assert.AreEqual(GeofenceTransition.None, monitor.Tick(600_000));
        monitor.Resume(600_000);

        Assert.AreEqual(GeofenceTransition.None, monitor.Tick(600_000 + 118_999), "1 s + 118.999 s of module time");
        Assert.AreEqual(GeofenceTransition.NoPosition, monitor.Tick(600_000 + 119_000), "120 s of module time without a good fix");
    }

    [TestMethod]
    public void Suspend_DuringAConfirmation_DropsIt()
    {
        var monitor = new GeofenceMonitor(Fixes.HomeCircle());
        for (int i = 0; i < 3; i++)
        {
            monitor.Update(Fixes.At(200, 0), 1_000 + (i * 1_000L));
        }

        Assert.AreEqual(3, monitor.PendingConfirmations);
        monitor.Suspend(4_000);
        Assert.AreEqual(0, monitor.PendingConfirmations);
        monitor.Resume(300_000);
        GnssFix outside = Fixes.At(200, 0);
        int transition = GeofenceTransition.None;
        for (long t = 300_000; t <= 330_000; t += 1_000)
        {
            transition = monitor.Update(outside, t);
            if (transition != GeofenceTransition.None)
            {
                Assert.AreEqual(330_000L, t, "a fresh confirmation: 5 fixes and 30 s after the resume");
                break;
            }
        }

        Assert.AreEqual(GeofenceTransition.Exit, transition);
    }
}
