using Eldercare.Edge.Gateway.Health;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.Health;

/// <summary>The gateway's boot epoch counter in health.db, shared by every maker of gateway events.</summary>
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
}
