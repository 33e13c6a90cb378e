using System.Globalization;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Edge.Tests.Support;
using Eldercare.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eldercare.Edge.Tests.Forwarding;

/// <summary>A real store in a temporary directory, a fake upstream and metrics: what the forwarder tests share.</summary>
public abstract class ForwardingFixture
{
    protected TempDirectory Directory { get; private set; } = null!;

    protected SqliteEventStore Store { get; private set; } = null!;

    protected FakeUpstream Upstream { get; private set; } = null!;

    protected GatewayMetrics Metrics { get; private set; } = null!;

    [TestInitialize]
    public void SetUpStore()
    {
        Directory = new TempDirectory(GetType().Name);
        Store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = Directory.Path });
        Upstream = new FakeUpstream();
        Metrics = new GatewayMetrics();
    }

    /// <summary>
    /// An express path for <paramref name="streams"/> alarm streams, waking the store's alarm queues as the gateway
    /// wires it; the store is reopened with that many alarm shards first when it has another count.
    /// </summary>
    protected AlarmExpress NewExpress(int streams)
    {
        if (Store.Lanes.Alarm.Shards != streams)
        {
            Store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = Directory.Path }, lanes: LaneSet.Create(new ForwarderOptions { AlarmStreams = streams }));
        }

        var store = Store;
        return new AlarmExpress(streams, shard => store.Get(store.Lanes.Alarm, shard).NewEvents.Set());
    }

    [TestCleanup]
    public async Task TearDownStore()
    {
        await Store.DisposeAsync();
        Directory.Dispose();
    }

    /// <summary>
    /// Every third answer takes only the first half of its batch and attempts 4 and 9 fail outright; returns the
    /// ids the upstream accepted, in the order it accepted them.
    /// </summary>
    protected List<string> PartialAnswersAndTwoOutages()
    {
        var answers = 0;
        var accepted = new List<string>();
        Upstream.Answer = batch =>
        {
            var take = Interlocked.Increment(ref answers) % 3 == 0 ? (batch.Count + 1) / 2 : batch.Count;
            var ids = batch.Take(take).Select(e => e.Id).ToList();
            lock (accepted)
            {
                accepted.AddRange(ids);
            }

            return new UpstreamAnswer(ids, []);
        };
        Upstream.BeforeAnswer = attempt => attempt is 4 or 9 ? throw new UpstreamException("fake outage") : Task.CompletedTask;
        return accepted;
    }

    /// <summary>Each of <paramref name="total"/> ids accepted once, and per device in sequence 1..<paramref name="perDevice"/>.</summary>
    protected void AssertEachOnceInOrderPerDevice(List<string> accepted, int total, int perDevice, string what)
    {
        Assert.HasCount(total, accepted);
        Assert.AreEqual(total, accepted.Distinct().Count(), $"an accepted {what} was sent again");
        Assert.AreEqual(total, Metrics.Forwarded);
        foreach (var group in accepted.GroupBy(id => id.Split(':')[0]))
        {
            CollectionAssert.AreEqual(Enumerable.Range(1, perDevice).ToList(), group.Select(id => int.Parse(id.Split(':')[2], CultureInfo.InvariantCulture)).ToList(), $"order of {group.Key}");
        }
    }
}
