using Eldercare.Edge.Gateway.Health;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.Health;

/// <summary>The gateway's boot epoch counter in health.db, shared by every maker of gateway events; the last-seen
/// times with each device's reported heartbeat period, also in a health.db written before periods were kept.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class HealthStateStoreTests
{
    [TestMethod]
    public void ReserveBootEpoch_AboveThisRun_AndTheNextRunStartsAboveIt()
    {
        using var directory = new TempDirectory("health-boot");
        int run, reserved, again;
        using (var state = HealthStateStore.Open(directory.Path))
        {
            run = state.Boot;
            reserved = state.ReserveBootEpoch();
            again = state.ReserveBootEpoch();
        }

        using (var next = HealthStateStore.Open(directory.Path))
        {
            Assert.AreEqual(run + 1, reserved);
            Assert.AreEqual(run + 2, again);
            Assert.AreEqual(run + 3, next.Boot, "a reserved epoch is never this gateway's again");
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [TestMethod]
    public void Open_HealthDbOfAnEarlierGateway_LastSeenKept_PeriodNoneUntilReported_ThenKept()
    {
        // Arrange: last_seen as the gateway before reported periods wrote it.
        using var directory = new TempDirectory("health-upgrade");
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(directory.Path, HealthStateStore.FileName)};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO meta VALUES('boot', 4);
                CREATE TABLE last_seen(device TEXT PRIMARY KEY, seen_at INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO last_seen VALUES('pendant-0001', 1764748800000);
                """;
            create.ExecuteNonQuery();
        }

        // Act
        List<DevicePresence.Seen> upgraded, reopened;
        using (var state = HealthStateStore.Open(directory.Path))
        {
            upgraded = state.LoadLastSeen();
            state.SaveLastSeen([new DevicePresence.Seen("pendant-0001", 1764748900000, 3600)]);
        }

        using (var state = HealthStateStore.Open(directory.Path))
        {
            reopened = state.LoadLastSeen();
            Assert.AreEqual(6, state.Boot, "the earlier boot epochs kept");
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        // Assert
        CollectionAssert.AreEqual(new[] { new DevicePresence.Seen("pendant-0001", 1764748800000, 0) }, upgraded);
        CollectionAssert.AreEqual(new[] { new DevicePresence.Seen("pendant-0001", 1764748900000, 3600) }, reopened);
    }
}
