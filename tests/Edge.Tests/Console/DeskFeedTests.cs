using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Console;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eldercare.Edge.Tests.Console;

/// <summary>
/// The desk fed from a real events.db: it books what the alarm and service lanes stored after its cursor, leaves the
/// forward streams' wake-ups alone, goes on where it stopped after a restart, and reads the platform link.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class DeskFeedTests : IAsyncDisposable
{
    private readonly DeskFixture _desk = new();
    private readonly GatewayMetrics _metrics = new();
    private SqliteEventStore? _store;

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        _desk.Dispose();
    }

    [TestMethod]
    public async Task RunOnce_AlarmAndServiceStored_BookedInOrder_ForwardWakeUpNotTaken_RestartGoesOn()
    {
        var store = Store();
        var alarmQueue = store.Get(store.Lanes.Alarm, store.Lanes.Alarm.ShardOf("pendant-0001"));
        Assert.IsTrue(await alarmQueue.NewEvents.WaitAsync(TimeSpan.Zero, CancellationToken.None), "a queue's signal starts set");
        await store.AppendAsync(Record(new DeviceEvent("pendant-0001", 1, 1, EventTypes.Sos, _desk.Now)), CancellationToken.None);
        await store.AppendAsync(Record(new DeviceEvent("pendant-0001", 1, 2, EventTypes.Heartbeat, _desk.Now)), CancellationToken.None);
        await store.AppendAsync(Record(new DeviceEvent("kiosk-0001", 1, 1, EventTypes.ServiceRequest, _desk.Now) { Service = ServiceCodes.Meal }), CancellationToken.None);
        using (var reader = new StoreFeedReader(new StoreOptions { DataDirectory = _desk.DataDirectory }))
        {
            var booked = Feed(reader).RunOnce();

            Assert.AreEqual(2, booked, "the SOS and the request; the heartbeat is telemetry");
            Assert.IsTrue(await alarmQueue.NewEvents.WaitAsync(TimeSpan.Zero, CancellationToken.None), "the forward stream's wake-up is still there for it");
        }

        Assert.AreEqual("pendant-0001:1:1", _desk.View.Open(AlarmStates.KindAlarm).Single().EventId);
        Assert.AreEqual(ServiceCodes.Meal, _desk.View.Open(AlarmStates.KindService).Single().Service);
        await store.AppendAsync(Record(new DeviceEvent("pendant-0002", 1, 1, EventTypes.Fall, _desk.Now)), CancellationToken.None);
        using (var reader = new StoreFeedReader(new StoreOptions { DataDirectory = _desk.DataDirectory }))
        {
            Assert.AreEqual(1, Feed(reader).RunOnce(), "after a restart only the new alarm is booked");
        }

        Assert.AreEqual(2, _desk.View.Open(AlarmStates.KindAlarm).Count);
    }

    [TestMethod]
    public async Task RunOnce_UpstreamFailing_LinkDownWithHeldAlarms_UpAgainWhenFailuresStop()
    {
        var store = Store();
        await store.AppendAsync(Record(new DeviceEvent("pendant-0001", 1, 1, EventTypes.Sos, _desk.Now)), CancellationToken.None);
        using var reader = new StoreFeedReader(new StoreOptions { DataDirectory = _desk.DataDirectory });
        var feed = Feed(reader);
        feed.RunOnce();
        Assert.IsTrue(feed.Link.Up, "just stored: not held long yet, no failure");

        _metrics.CountForwardFailure();
        _desk.Time.Advance(TimeSpan.FromSeconds(1));
        feed.RunOnce();
        Assert.IsFalse(feed.Link.Up);
        Assert.AreEqual(1L, feed.Link.HeldAlarms);
        Assert.AreEqual(_desk.Now - 1_000, feed.Link.OldestHeldReceived);

        await TestStores.MarkForwardedAsync(store, await TestStores.PendingAsync(store, EventTypes.AlarmLane));
        _desk.Time.Advance(TimeSpan.FromMilliseconds(PlatformLink.FailureWindowMilliseconds + 1));
        feed.RunOnce();
        Assert.IsTrue(feed.Link.Up, "no failure for the window and nothing held");
        Assert.AreEqual(0L, feed.Link.HeldAlarms);
    }

    [TestMethod]
    public async Task Take_KeepsItsAlarmTaken_FlushedOnceIntoTheStore_RefusedTakeAndServiceAcceptMakeNone()
    {
        var store = Store();
        var book = new AlarmBook(_desk.Database, _desk.Options, _desk.Cards, _desk.Changes, new DeskUpstream("gw-07", 3));
        var sos = new DeviceEvent("pendant-0001", 2, 9, EventTypes.Sos, _desk.Now);
        var request = new DeviceEvent("kiosk-0001", 1, 1, EventTypes.ServiceRequest, _desk.Now) { Service = ServiceCodes.Meal };
        book.Book(sos, _desk.Now);
        book.Book(request, _desk.Now);
        _desk.Time.Advance(TimeSpan.FromSeconds(23));

        book.Take(sos.Id, "op1", _desk.Now);
        book.Take(sos.Id, "op2", _desk.Now);
        book.Take(request.Id, "op1", _desk.Now);
        var first = await DeskUpstream.FlushAsync(_desk.Database, store, CancellationToken.None);
        var second = await DeskUpstream.FlushAsync(_desk.Database, store, CancellationToken.None);

        Assert.AreEqual(1, first);
        Assert.AreEqual(0, second, "kept until appended, then never again");
        var stored = (await TestStores.PendingAsync(store, EventTypes.ServiceLane)).Single(e => e.Type == EventTypes.AlarmTaken);
        Assert.AreEqual("gw-07:3:1", stored.Id);
        var decoded = EventCodec.Decode(System.Text.Encoding.UTF8.GetBytes(stored.Payload));
        Assert.IsTrue(decoded.Ok, decoded.Detail);
        Assert.AreEqual("pendant-0001", decoded.Event.Subject);
        Assert.AreEqual("ref=pendant-0001:2:9;by=center;wait=23s", decoded.Event.Info);
    }

    [TestMethod]
    public async Task RunOnce_OnAFakeClock_EscalatesATakenAlarmWhenItsTimeComes()
    {
        var store = Store();
        await store.AppendAsync(Record(new DeviceEvent("pendant-0001", 1, 1, EventTypes.Fall, _desk.Now)), CancellationToken.None);
        using var reader = new StoreFeedReader(new StoreOptions { DataDirectory = _desk.DataDirectory });
        var feed = Feed(reader);
        feed.RunOnce();
        var id = _desk.View.Open(AlarmStates.KindAlarm).Single().EventId;
        _desk.Book.Take(id, "op1", _desk.Now);

        _desk.Time.Advance(TimeSpan.FromSeconds(_desk.Options.EscalateAfterSeconds - 1));
        feed.RunOnce();
        Assert.AreEqual(AlarmStates.Taken, _desk.Get(id).State);
        _desk.Time.Advance(TimeSpan.FromSeconds(1));
        feed.RunOnce();

        Assert.AreEqual(AlarmStates.Escalated, _desk.Get(id).State);
        Assert.AreEqual("escalate", AuditTrail.Latest(_desk.Database, 1, id).Single().Action);
    }

    [TestMethod]
    public void Sample_AlarmHeldLongerThanTheLimit_DownEvenWithoutFailures()
    {
        var link = new PlatformLink(_metrics);
        var now = _desk.Now;

        Assert.IsTrue(link.Sample(now, 1, now - PlatformLink.HeldTooLongMilliseconds).Up);
        Assert.IsFalse(link.Sample(now, 1, now - PlatformLink.HeldTooLongMilliseconds - 1).Up);
    }

    private SqliteEventStore Store() => _store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = _desk.DataDirectory }, _desk.Time);

    private DeskFeed Feed(StoreFeedReader reader) =>
        new(reader, _desk.Book, new PlatformLink(_metrics), _desk.Database, TestStores.DefaultLanes, _desk.Options, _desk.Time, NullLogger<DeskFeed>.Instance);

    private EventRecord Record(DeviceEvent e) => EventRecord.FromDevice(e, EventCodec.EncodeToString(e), _desk.Now);
}
