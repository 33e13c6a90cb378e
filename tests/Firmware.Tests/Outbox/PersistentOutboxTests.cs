using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Outbox;
using Eldercare.Firmware.Tests.Fakes;

namespace Eldercare.Firmware.Tests.Outbox;

[TestClass]
[TestCategory("Unit")]
public sealed class PersistentOutboxTests
{
    [TestMethod]
    public void Load_AfterReboot_ReturnsUnsentEventsWithOriginalIds()
    {
        var storage = new MemoryStorage();
        var before = new PersistentOutbox(storage, new OutboxOptions());
        before.Enqueue(Event(EventTypes.Heartbeat, boot: 3, seq: 1));
        before.Enqueue(Event(EventTypes.Sos, boot: 3, seq: 2));

        var after = new PersistentOutbox(storage, new OutboxOptions());
        after.Load();

        Assert.AreEqual(2, after.Count);
        OutboxEntry next = after.PeekNext()!;
        Assert.AreEqual(EventTypes.Sos, next.Type);
        DeviceEvent reloaded = EventCodec.Decode(after.ReadPayload(next)!).Event!;
        Assert.AreEqual("pendant-0001:3:2", reloaded.Id);
    }

    [TestMethod]
    public void PeekNext_AlarmsAndTelemetry_AlarmsFirstThenOldestFirstPerLane()
    {
        var outbox = new PersistentOutbox(new MemoryStorage(), new OutboxOptions());
        outbox.Enqueue(Event(EventTypes.Heartbeat, 1, 1));
        outbox.Enqueue(Event(EventTypes.Heartbeat, 1, 2));
        outbox.Enqueue(Event(EventTypes.Sos, 1, 3));
        outbox.Enqueue(Event(EventTypes.SosCancel, 1, 4));

        var order = new List<int>();
        while (outbox.PeekNext() is { } entry)
        {
            order.Add(entry.Sequence);
            outbox.Remove(entry);
        }

        CollectionAssert.AreEqual(new[] { 3, 4, 1, 2 }, order);
    }

    [TestMethod]
    public void Load_EntriesFromSeveralBoots_OrderedByBootThenSequence()
    {
        var storage = new MemoryStorage();
        var outbox = new PersistentOutbox(storage, new OutboxOptions());
        outbox.Enqueue(Event(EventTypes.Sos, 10, 1));
        outbox.Enqueue(Event(EventTypes.Sos, 9, 500));
        outbox.Enqueue(Event(EventTypes.Sos, 2, 70000));

        var reloaded = new PersistentOutbox(storage, new OutboxOptions());
        reloaded.Load();

        var order = new List<string>();
        while (reloaded.PeekNext() is { } entry)
        {
            order.Add($"{entry.BootEpoch}:{entry.Sequence}");
            reloaded.Remove(entry);
        }

        CollectionAssert.AreEqual(new[] { "2:70000", "9:500", "10:1" }, order);
    }

    [TestMethod]
    public void Enqueue_TelemetryOverQuota_EvictsOldestTelemetryAndCountsIt()
    {
        var storage = new MemoryStorage();
        var outbox = new PersistentOutbox(storage, new OutboxOptions { Capacity = 10, TelemetryQuota = 3 });
        for (int seq = 1; seq <= 5; seq++)
        {
            Assert.IsTrue(outbox.Enqueue(Event(EventTypes.Heartbeat, 1, seq)));
        }

        Assert.AreEqual(3, outbox.Count);
        Assert.AreEqual(2, outbox.DroppedTelemetryCount);
        Assert.AreEqual(3, outbox.PeekNext()!.Sequence, "the two oldest heartbeats went first");
        Assert.AreEqual(3, storage.Count, "evicted blobs are deleted from flash");
    }

    [TestMethod]
    public void Enqueue_FullOfTelemetry_AlarmEvictsTelemetryNeverAnAlarm()
    {
        var outbox = new PersistentOutbox(new MemoryStorage(), new OutboxOptions { Capacity = 4, TelemetryQuota = 2 });
        outbox.Enqueue(Event(EventTypes.Heartbeat, 1, 1));
        outbox.Enqueue(Event(EventTypes.Heartbeat, 1, 2));
        outbox.Enqueue(Event(EventTypes.Sos, 1, 3));
        outbox.Enqueue(Event(EventTypes.Fall, 1, 4));

        Assert.IsTrue(outbox.Enqueue(Event(EventTypes.Sos, 1, 5)));
        Assert.IsTrue(outbox.Enqueue(Event(EventTypes.Sos, 1, 6)));

        Assert.AreEqual(4, outbox.AlarmCount);
        Assert.AreEqual(2, outbox.DroppedTelemetryCount);
    }

    [TestMethod]
    public void Enqueue_FullOfAlarms_RefusesNewAlarmKeepsOldOnesAndCounts()
    {
        var outbox = new PersistentOutbox(new MemoryStorage(), new OutboxOptions { Capacity = 3, TelemetryQuota = 1 });
        for (int seq = 1; seq <= 3; seq++)
        {
            outbox.Enqueue(Event(EventTypes.Sos, 1, seq));
        }

        bool stored = outbox.Enqueue(Event(EventTypes.Sos, 1, 4));
        bool heartbeat = outbox.Enqueue(Event(EventTypes.Heartbeat, 1, 5));

        Assert.IsFalse(stored);
        Assert.IsFalse(heartbeat);
        Assert.AreEqual(3, outbox.AlarmCount);
        Assert.AreEqual(1, outbox.PeekNext()!.Sequence);
        Assert.AreEqual(2, outbox.RefusedAlarmCount);
    }

    [TestMethod]
    public void Enqueue_FlashWriteFails_ReturnsFalseAndCounts()
    {
        var storage = new MemoryStorage { FailWrites = true };
        var outbox = new PersistentOutbox(storage, new OutboxOptions());

        Assert.IsFalse(outbox.Enqueue(Event(EventTypes.Sos, 1, 1)));
        Assert.AreEqual(1, outbox.WriteFailureCount);
        Assert.AreEqual(0, outbox.Count);
    }

    [TestMethod]
    public void Load_CorruptBlob_IsRemovedAndCountedOthersKept()
    {
        var storage = new MemoryStorage();
        var outbox = new PersistentOutbox(storage, new OutboxOptions());
        outbox.Enqueue(Event(EventTypes.Sos, 1, 1));
        outbox.Enqueue(Event(EventTypes.Sos, 1, 2));
        storage.Corrupt(PersistentOutbox.BlobNameOf(Event(EventTypes.Sos, 1, 1)));

        var reloaded = new PersistentOutbox(storage, new OutboxOptions());
        reloaded.Load();

        Assert.AreEqual(1, reloaded.Count);
        Assert.AreEqual(1, reloaded.CorruptCount);
        Assert.AreEqual(2, reloaded.PeekNext()!.Sequence);
    }

    [TestMethod]
    public void BlobNameOf_AnyEvent_FitsSpiffsNameLimit()
    {
        string name = PersistentOutbox.BlobNameOf(Event(EventTypes.Heartbeat, int.MaxValue, int.MaxValue));

        Assert.AreEqual("obt7fffffff7fffffff", name);
        Assert.IsTrue(name.Length < 32);
    }

    [TestMethod]
    [DataRow(1, 1)]
    [DataRow(10, 10)]
    [DataRow(10, 0)]
    public void Validate_BadBounds_Rejected(int capacity, int quota) =>
        Assert.IsNotNull(new OutboxOptions { Capacity = capacity, TelemetryQuota = quota }.Validate());

    [TestMethod]
    public void ServiceEvents_GoAfterAlarmsBeforeTelemetry_AreNeverEvicted_AndSurviveAReload()
    {
        var storage = new MemoryStorage();
        var outbox = new PersistentOutbox(storage, new OutboxOptions { Capacity = 4, TelemetryQuota = 2 });
        outbox.Enqueue(Event(EventTypes.Heartbeat, 1, 1));
        outbox.Enqueue(new DeviceEvent("kiosk-01", 1, 2, EventTypes.ServiceRequest, 1) { Service = ServiceCodes.Meal });
        outbox.Enqueue(Event(EventTypes.Sos, 1, 3));
        outbox.Enqueue(new DeviceEvent("kiosk-01", 1, 4, EventTypes.CheckIn, 1) { Card = "04A1B2C3" });

        bool heartbeat = outbox.Enqueue(Event(EventTypes.Heartbeat, 1, 5)); // evicts heartbeat 1, not a request
        bool request = outbox.Enqueue(new DeviceEvent("kiosk-01", 1, 6, EventTypes.ServiceRequest, 1) { Service = ServiceCodes.Bathing }); // evicts heartbeat 5
        bool refused = outbox.Enqueue(new DeviceEvent("kiosk-01", 1, 7, EventTypes.ServiceRequest, 1) { Service = ServiceCodes.Travel });

        Assert.IsTrue(heartbeat && request);
        Assert.IsFalse(refused, "full of alarms and requests: refused and counted, nothing evicted");
        Assert.AreEqual(1, outbox.RefusedServiceCount);
        Assert.AreEqual(2, outbox.DroppedTelemetryCount);
        var reloaded = new PersistentOutbox(storage, new OutboxOptions { Capacity = 4, TelemetryQuota = 2 });
        reloaded.Load();
        var order = new List<int>();
        for (var next = reloaded.PeekNext(); next is not null; next = reloaded.PeekNext())
        {
            order.Add(next.Sequence);
            reloaded.Remove(next);
        }

        CollectionAssert.AreEqual(new[] { 3, 2, 4, 6 }, order, "alarm, then the service lane in order");
    }

    internal static DeviceEvent Event(string type, int boot, int seq) =>
        new("pendant-0001", boot, seq, type, 1_763_870_000_000 + seq) { BatteryPercent = 80 };
}
