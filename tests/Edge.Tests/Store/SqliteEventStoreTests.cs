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
