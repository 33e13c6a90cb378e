using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.Edge.Tests.Store;

/// <summary>
/// What Fixtures/store-v2026-12/ holds: a gateway's data directory (events.db, devices.json) written by this code on
/// 2026-12-03, committed so that every later gateway is tested against a store of today's format (edge/README.md
/// "Deployment", upgrades). Never regenerate the committed folder: add a new one next to it when the format changes.
/// </summary>
internal static class StoreFixture
{
    public const string Folder = "store-v2026-12";

    public const long ReceivedAt = 1_764_720_000_000; // 2025-12-03T00:00:00Z, fixed so the fixture is reproducible

    /// <summary>Every device in the fixture's registry: (id, kind, enabled, secret).</summary>
    public static IReadOnlyList<(string Id, string Kind, bool Enabled, string Secret)> Devices { get; } =
    [
        ("pendant-0001", "pendant", true, "secret-pendant-0001"),
        ("watch-0002", "watch", true, "secret-watch-0002"),
        ("kiosk-0003", "kiosk", true, "secret-kiosk-0003"),
        ("pendant-0004", "pendant", false, "secret-pendant-0004"),
    ];

    /// <summary>Every event written, in order; those with <c>Forwarded</c> were marked forwarded after.</summary>
    public static IReadOnlyList<(EventRecord Record, bool Forwarded)> Events { get; } = MakeEvents();

    public static string CommittedPath => Path.Combine(Eldercare.TestSupport.RepoPaths.Root, "tests", "Edge.Tests", "Store", "Fixtures", Folder);

    /// <summary>Writes the fixture into <paramref name="directory"/> with today's store and registry code.</summary>
    public static async Task WriteAsync(string directory)
    {
        DeviceRegistryFile.Write(Path.Combine(directory, "devices.json"), Devices.Select(d => SecretHasher.CreateRecord(d.Id, d.Secret, d.Kind, d.Enabled, iterations: 1000)));
        await using var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = directory });
        foreach (var (record, _) in Events)
        {
            Assert.AreEqual(AppendOutcome.Stored, await store.AppendAsync(record, CancellationToken.None));
        }

        await TestStores.MarkForwardedAsync(store, Events.Where(e => e.Forwarded).Select(e => e.Record));
    }

    private static List<(EventRecord, bool)> MakeEvents()
    {
        var events = new List<(EventRecord, bool)>();
        var types = new[] { EventTypes.Sos, EventTypes.Heartbeat, EventTypes.Fall, EventTypes.BatteryLow, EventTypes.Heartbeat, EventTypes.Wellness };
        var seq = 0;
        foreach (var device in new[] { "pendant-0001", "watch-0002", "kiosk-0003" })
        {
            for (var i = 0; i < 12; i++)
            {
                seq++;
                var type = types[i % types.Length];
                var decoded = new DeviceEvent(device, 3, i + 1, type, ReceivedAt - 500 + seq);
                if (type == EventTypes.Heartbeat)
                {
                    decoded.BatteryPercent = 80 - i;
                }

                var record = EventRecord.FromDevice(decoded, EventCodec.EncodeToString(decoded), ReceivedAt + seq);
                // The first three of each device were forwarded before the upgrade; the rest are pending.
                events.Add((record, i < 3));
            }
        }

        return events;
    }
}
