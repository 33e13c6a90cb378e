using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Eldercare.Edge.Tests.Store;

/// <summary>Each lane's backlog for /metrics, from a real SQLite store on a fake clock.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class LaneDepthTests
{
    [TestMethod]
    public async Task ReadLaneDepths_PendingAndOldestPerLane_ForwardedLeaveIt()
    {
        using var directory = new TempDirectory("depth");
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        await using var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = directory.Path }, time);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var sos = TestEvents.Record("pendant-0001", 1, EventTypes.Sos) with { ReceivedUnixMilliseconds = now - 90_000 };
        var fall = TestEvents.Record("pendant-0002", 1, EventTypes.Fall) with { ReceivedUnixMilliseconds = now - 30_000 };
        var heartbeat = TestEvents.Record("pendant-0003", 1, EventTypes.Heartbeat) with { ReceivedUnixMilliseconds = now - 5_000 };
        foreach (var record in new[] { sos, fall, heartbeat })
        {
            await store.AppendAsync(record, CancellationToken.None);
        }

        var before = store.ReadLaneDepths();
        var alarm = store.Lanes.Alarm;
        await store.Get(alarm, alarm.ShardOf(sos.DeviceId)).MarkAsync([sos.Id], ForwardState.Forwarded);
        var cached = store.ReadLaneDepths();
        time.Advance(LaneDepthReader.CacheFor);
        var after = store.ReadLaneDepths();

        Assert.AreEqual(new LaneDepth("alarm", 2, now - 90_000), before.Single(d => d.Lane == "alarm"));
        Assert.AreEqual(new LaneDepth("service", 0, null), before.Single(d => d.Lane == "service"));
        Assert.AreEqual(new LaneDepth("telemetry", 1, now - 5_000), before.Single(d => d.Lane == "telemetry"));
        Assert.AreSame(before, cached, "read at most once a second (the bench scrapes every 200 ms)");
        Assert.AreEqual(new LaneDepth("alarm", 1, now - 30_000), after.Single(d => d.Lane == "alarm"));
    }

    [TestMethod]
    public void ToPrometheusText_AgesInSecondsZeroWhenEmpty()
    {
        var text = LaneDepth.ToPrometheusText([new LaneDepth("alarm", 2, 1_000), new LaneDepth("telemetry", 0, null)], 91_500);

        StringAssert.Contains(text, "gateway_store_pending_events{lane=\"alarm\"} 2\n");
        StringAssert.Contains(text, "gateway_store_oldest_pending_age_seconds{lane=\"alarm\"} 90.5\n");
        StringAssert.Contains(text, "gateway_store_oldest_pending_age_seconds{lane=\"telemetry\"} 0\n");
    }
}
