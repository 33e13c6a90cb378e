using Eldercare.Firmware.Core.Events;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Edge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eldercare.Edge.Tests.Store;

[TestClass]
[TestCategory("Unit")]
public sealed class SqliteEventStoreTests : EventStoreContractTests
{
    protected override Task<IEventStore> OpenAsync(string directory) =>
        Task.FromResult<IEventStore>(SqliteEventStore.Open(new StoreOptions { DataDirectory = directory }, NullLogger.Instance));

    protected override ValueTask CloseAsync(IEventStore store) => ((SqliteEventStore)store).DisposeAsync();

    [TestMethod]
    public async Task Append_ConcurrentPublishers_GroupedIntoFewerCommits()
    {
        await using var store = SqliteEventStore.Open(new StoreOptions { DataDirectory = DirectoryPath }, NullLogger.Instance);

        await Task.WhenAll(Enumerable.Range(1, 400).Select(i => store.AppendAsync(TestEvents.Record("pendant-1", i), CancellationToken.None)));

        Assert.IsLessThan(400L, store.CommitCount, $"400 appends took {store.CommitCount} commits");
    }

    [TestMethod]
    public async Task AlarmDuringALargeMark_TransactionEndsEarly_RestWrittenNextEveryIdOnce()
    {
        // A mark of 2,000 ids is 10 requests of 200. The writer is held while they queue up, so it takes them in one
        // batch; when it is about to write the third, an alarm arrives: the transaction ends after the request in
        // progress, the alarm joins its commit, the other 7 requests go in the next transaction.
        await using var store = SqliteEventStore.Open(new StoreOptions { DataDirectory = DirectoryPath }, NullLogger.Instance);
        var telemetry = Enumerable.Range(1, 2000).Select(i => TestEvents.Record($"pendant-{i % 40}", i, EventTypes.Heartbeat)).ToList();
        await Task.WhenAll(telemetry.Select(r => store.AppendAsync(r, CancellationToken.None)));
        using var held = new ManualResetEventSlim(false);
        using var holding = new ManualResetEventSlim(false);
        Task<AppendOutcome>? alarm = null;
        var calls = 0;
        store.BeforeWritingRequest = index =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                holding.Set();
                held.Wait(TimeSpan.FromSeconds(10));
            }
            else if (index == 2 && alarm is null)
            {
                alarm = store.AppendAsync(TestEvents.Record("watch-1", 1, EventTypes.Sos), CancellationToken.None);
            }
        };
        var first = store.AppendAsync(TestEvents.Record("pendant-x", 1, EventTypes.Heartbeat), CancellationToken.None);
        Assert.IsTrue(holding.Wait(TimeSpan.FromSeconds(10)), "writer held");
        var marking = store.MarkAsync(telemetry.Select(r => r.Id).ToList(), ForwardState.Forwarded, CancellationToken.None);
        var earlyBefore = store.EarlyCommits;
        held.Set();

        Assert.AreEqual(2000, await marking.WaitAsync(TimeSpan.FromSeconds(10)), "every id marked once");
        Assert.AreEqual(AppendOutcome.Stored, await first);
        Assert.IsNotNull(alarm, "the alarm was raised while the marks were written");
        Assert.AreEqual(AppendOutcome.Stored, await alarm.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.AreEqual(earlyBefore + 1, store.EarlyCommits, "the transaction ended early for the alarm");
        Assert.AreEqual(2, store.PendingCount, "the alarm and the held heartbeat");
        CollectionAssert.AreEquivalent(new[] { "watch-1:1:1", "pendant-x:1:1" }, (await store.ReadPendingAsync(10, CancellationToken.None)).Select(e => e.Id).ToList());
    }

    [TestMethod]
    public async Task Open_Database_UsesWalAndSynchronousFull()
    {
        await using (SqliteEventStore.Open(new StoreOptions { DataDirectory = DirectoryPath }, NullLogger.Instance))
        {
        }

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(DirectoryPath, "events.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.AreEqual("wal", (string)command.ExecuteScalar()!);
    }
}
