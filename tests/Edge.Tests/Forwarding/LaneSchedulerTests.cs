using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Store;

namespace Eldercare.Edge.Tests.Forwarding;

[TestClass]
[TestCategory("Unit")]
public sealed class LaneSchedulerTests
{
    private static readonly LaneSet Lanes = LaneSet.Create(new ForwarderOptions { AlarmStreams = 1, ServiceStreams = 1, TelemetryStreams = 1 });

    [TestMethod]
    public void MustWait_AtStart_EveryLaneAfterTheFirstWaitsForTheFirstReads()
    {
        var scheduler = new LaneScheduler(Lanes);

        Assert.IsFalse(scheduler.MustWait(0), "alarms never wait");
        Assert.IsTrue(scheduler.MustWait(1), "service waits until the alarm stream read nothing left");
        Assert.IsTrue(scheduler.MustWait(2));
    }

    [TestMethod]
    public async Task WaitForTurn_TelemetryBehindServiceBacklog_CompletesWhenEveryLaneBeforeItCleared()
    {
        var scheduler = new LaneScheduler(Lanes);
        scheduler.BacklogChanged(0, hasBacklog: false);

        var telemetry = scheduler.WaitForTurnAsync(2, CancellationToken.None).AsTask();
        Assert.IsFalse(telemetry.IsCompleted, "the service lane still has a backlog");
        Assert.IsFalse(scheduler.MustWait(1), "service goes once alarms are clear");

        scheduler.BacklogChanged(1, hasBacklog: false);

        await telemetry.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [TestMethod]
    public void BacklogChanged_AlarmReadAfterAnOutage_EveryLaterLaneWaitsAgain()
    {
        var scheduler = new LaneScheduler(Lanes);
        scheduler.BacklogChanged(0, hasBacklog: false);
        scheduler.BacklogChanged(1, hasBacklog: false);

        scheduler.BacklogChanged(0, hasBacklog: true);

        Assert.IsTrue(scheduler.MustWait(1));
        Assert.IsTrue(scheduler.MustWait(2), "an alarm overtakes queued telemetry, also after an outage");
    }
}
