using Eldercare.Edge.Gateway.Store;

namespace Eldercare.Edge.Tests.Store;

[TestClass]
[TestCategory("Unit")]
public sealed class InMemoryEventStoreTests : EventStoreContractTests
{
    // "Reopening" a directory gives a store over the same events, as a restart of the SQLite store does.
    private readonly Dictionary<string, InMemoryEventStore> _opened = [];

    protected override Task<StoreUnderTest> OpenAsync(string directory, LaneSet lanes)
    {
        var store = _opened.TryGetValue(directory, out var earlier) ? earlier.Reopen() : new InMemoryEventStore(lanes);
        _opened[directory] = store;
        return Task.FromResult(new StoreUnderTest(store, store, store, store, () => ValueTask.CompletedTask));
    }
}
