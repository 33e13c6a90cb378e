using Eldercare.Edge.Gateway.Health;
using Eldercare.Firmware.Core.Power;

namespace Eldercare.Edge.Tests.Health;

/// <summary>
/// The gateway's device-offline timers against the wearables' radio schedule (firmware/Core/Power): a battery device
/// is silent between its scheduled sessions, so the defaults must never call a device that keeps its schedule offline.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class DeviceHealthScheduleTests
{
    [TestMethod]
    public void DefaultHeartbeat_IsTheFirmwaresScheduledSessionPeriod()
    {
        // Act
        var options = new DeviceHealthOptions();

        // Assert
        Assert.AreEqual(RadioScheduleOptions.DefaultHeartbeatSeconds, options.HeartbeatIntervalSeconds);
    }

    [TestMethod]
    public void DefaultSilenceLimit_SurvivesOneFailedSessionAndALateOne()
    {
        // Arrange: the worst silence of a device keeping its schedule: one session that never connected (it gives up
        // at its limit), the next one as late as its limit allows, the radio's wake and connect on top.
        var options = new DeviceHealthOptions();
        var schedule = new RadioScheduleOptions();
        long worst = (2L * RadioScheduleOptions.DefaultHeartbeatSeconds * 1000) + (schedule.SessionLimitSeconds * 1000L) + RadioTimings.ConnectWithTlsMilliseconds;

        // Act
        long limit = options.SilenceLimitMilliseconds;

        // Assert
        Assert.IsGreaterThan(worst, limit, "a device on schedule would be called offline");
        Assert.IsLessThanOrEqualTo(3600_000L, limit, "a silent wearable is noticed within the hour");
    }

    [TestMethod]
    public void ReportedLongestConfiguredPeriod_SurvivesOneFailedSessionAndALateOne_AndIsNotCapped()
    {
        // Arrange: a pendant configured to the longest hb a configuration sets reports it in every heartbeat.
        var options = new DeviceHealthOptions();
        var schedule = new RadioScheduleOptions();
        int period = Eldercare.Firmware.Core.Commands.DeviceConfig.MaxHeartbeatSeconds;
        long worst = (2L * period * 1000) + (schedule.SessionLimitSeconds * 1000L) + RadioTimings.ConnectWithTlsMilliseconds;

        // Act
        long limit = options.SilenceLimitMillisecondsFor(period);

        // Assert
        Assert.AreEqual(3L * period * 1000, limit, "the longest configurable period is within the gateway's bounds");
        Assert.IsGreaterThan(worst, limit, "a device on its configured schedule would be called offline");
    }

    [TestMethod]
    public void DefaultStartupGrace_IsAtLeastTwoPeriods()
    {
        // Act
        var options = new DeviceHealthOptions();

        // Assert
        Assert.IsGreaterThanOrEqualTo(2 * options.HeartbeatIntervalSeconds, options.StartupGraceSeconds);
    }
}
