using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Console;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Firmware.Core.Events;
using Microsoft.Data.Sqlite;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.Edge.Tests.Support;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.Store;

/// <summary>
/// Upgrades keep the store (issue 16): a data directory written by an earlier gateway (Fixtures/, see
/// <see cref="StoreFixture"/>) opened by this one: every pending event and the registry are found intact.
/// </summary>
[TestClass]
[TestCategory("Deployment")]
public sealed class StoreFixtureTests
{
    [TestMethod]
    public async Task Open_StoreOfTheDecember2026Format_EveryPendingEventIntact()
    {
        using var directory = CopyOfFixture();
        var expected = StoreFixture.Events.Where(e => !e.Forwarded).Select(e => e.Record).ToList();

        await using var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = directory.Path });
        var pending = await TestStores.PendingAsync(store);

        Assert.AreEqual(expected.Count, store.PendingCount);
        CollectionAssert.AreEquivalent(expected.Select(e => e.Id).ToList(), pending.Select(e => e.Id).ToList());
        foreach (var record in expected)
        {
            var found = pending.Single(e => e.Id == record.Id);
            Assert.AreEqual(record.Payload, found.Payload, record.Id);
            Assert.AreEqual(record.Lane, found.Lane, record.Id);
            Assert.AreEqual(record.Type, found.Type, record.Id);
            Assert.AreEqual(record.DeviceTimestampUnixMilliseconds, found.DeviceTimestampUnixMilliseconds, record.Id);
            Assert.AreEqual(record.ReceivedUnixMilliseconds, found.ReceivedUnixMilliseconds, record.Id);
        }

        // Per device within a lane, in the order they were stored (the forwarder's order).
        foreach (var group in pending.GroupBy(e => (e.DeviceId, e.Lane)))
        {
            var sequences = group.OrderBy(e => e.StoreSequence).Select(e => e.Sequence).ToList();
            CollectionAssert.AreEqual(sequences.Order().ToList(), sequences, group.Key.ToString());
        }
    }

    [TestMethod]
    public async Task Open_StoreOfTheDecember2026Format_ForwardedEventsStayDeduplicated()
    {
        using var directory = CopyOfFixture();
        var forwarded = StoreFixture.Events.First(e => e.Forwarded).Record;

        await using var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = directory.Path });
        var resend = await store.AppendAsync(forwarded, CancellationToken.None);

        Assert.AreEqual(Eldercare.Edge.Gateway.Store.AppendOutcome.Duplicate, resend, "a device resending an event forwarded before the upgrade");
    }

    [TestMethod]
    public async Task Open_StoreOfTheDecember2026Format_DeskFeedReadsTheKeptLanesThroughTheFeedIndex()
    {
        using var directory = CopyOfFixture();
        var options = new StoreOptions { DataDirectory = directory.Path };
        var lanes = LaneSet.Create(new ForwarderOptions());
        await using (TestStores.OpenSqlite(options))
        {
            // Opening upgrades: events_lane_order (every row) gives way to events_feed (the kept lanes only).
        }

        using (var connection = new SqliteConnection($"Data Source={options.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('events_lane_order', 'events_feed')";
            using var rows = command.ExecuteReader();
            Assert.IsTrue(rows.Read());
            Assert.AreEqual("events_feed", rows.GetString(0));
            Assert.IsFalse(rows.Read(), "events_lane_order is still there");
        }

        using var reader = new StoreFeedReader(options);
        foreach (var lane in lanes.InPriorityOrder.Where(l => !l.Evictable))
        {
            var expected = StoreFixture.Events.Select(e => e.Record).Where(r => r.Lane == lane.Name).Select(r => r.Payload).ToList();
            Assert.IsNotEmpty(expected, lane.Name);
            CollectionAssert.AreEqual(expected, reader.ReadAfter(lane, 0, 1_000).Select(e => e.Payload).ToList(), lane.Name);
        }

        Assert.ThrowsExactly<ArgumentException>(() => reader.ReadAfter(lanes[EventTypes.TelemetryLane], 0, 1_000));
    }

    [TestMethod]
    public void Load_RegistryOfTheDecember2026Format_EveryDeviceAndSecretIntact()
    {
        var registry = DeviceRegistryFile.Load(Path.Combine(StoreFixture.CommittedPath, "devices.json"));

        Assert.HasCount(StoreFixture.Devices.Count, registry);
        foreach (var device in StoreFixture.Devices)
        {
            var record = registry.Single(r => r.Id == device.Id);
            Assert.AreEqual(device.Kind, record.Kind, device.Id);
            Assert.AreEqual(device.Enabled, record.Enabled, device.Id);
            Assert.IsTrue(SecretHasher.Verify(record, device.Secret), device.Id);
            Assert.IsFalse(SecretHasher.Verify(record, device.Secret + "x"), device.Id);
        }
    }

    /// <summary>Opening upgrades the files in place: each test opens its own copy, never the committed files.</summary>
    private static TempDirectory CopyOfFixture()
    {
        Assert.IsTrue(File.Exists(Path.Combine(StoreFixture.CommittedPath, "events.db")), "the committed fixture is missing");
        var directory = new TempDirectory("store-fixture");
        foreach (var file in Directory.EnumerateFiles(StoreFixture.CommittedPath))
        {
            File.Copy(file, Path.Combine(directory.Path, Path.GetFileName(file)));
        }

        return directory;
    }
}
