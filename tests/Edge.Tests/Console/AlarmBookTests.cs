using Eldercare.Edge.Gateway.Console;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.Edge.Tests.Console;

/// <summary>
/// The desk's state machine (<see cref="AlarmBook"/>) on a real console.db and a fake clock: booking, ordering, take
/// (one winner), note, close, escalation, the elder's cancel, device back online, service requests, the audit trail.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class AlarmBookTests : IDisposable
{
    private readonly DeskFixture _desk = new(new ConsoleOptions { Enabled = true, EscalateAfterSeconds = 600 });

    public void Dispose() => _desk.Dispose();

    [TestMethod]
    public void Book_AlarmsOfEveryPriority_QueueOrderedByPriorityThenAge()
    {
        var offline = _desk.Receive("gw-01", 1, EventTypes.DeviceOffline, e => e.Subject = "pendant-0009");
        _desk.Time.Advance(TimeSpan.FromSeconds(1));
        var geofence = _desk.Receive("watch-0001", 1, EventTypes.Geofence, e => { e.LatitudeMicrodegrees = 37_870_000; e.LongitudeMicrodegrees = 112_550_000; });
        _desk.Time.Advance(TimeSpan.FromSeconds(1));
        var firstSos = _desk.Receive("pendant-0001", 1, EventTypes.Sos);
        _desk.Time.Advance(TimeSpan.FromSeconds(1));
        var wellness = _desk.Receive("pendant-0002", 1, EventTypes.Wellness);
        var fall = _desk.Receive("pendant-0003", 1, EventTypes.Fall);
        _desk.Receive("pendant-0003", 2, EventTypes.Heartbeat);

        var queue = _desk.View.Open(AlarmStates.KindAlarm).Select(a => a.EventId).ToList();

        CollectionAssert.AreEqual(new[] { firstSos, fall, geofence, wellness, offline }, queue);
        Assert.AreEqual("pendant-0009", _desk.Get(offline).Device, "a device_offline shows the device it is about");
        Assert.AreEqual(37_870_000L, _desk.Get(geofence).LatitudeMicrodegrees);
    }

    [TestMethod]
    public void Book_SameEventTwice_BookedOnceAndChangesOnce()
    {
        var e = new DeviceEvent("pendant-0001", 1, 7, EventTypes.Sos, _desk.Now);
        var version = _desk.Changes.Version;

        Assert.IsTrue(_desk.Book.Book(e, _desk.Now));
        Assert.IsFalse(_desk.Book.Book(e, _desk.Now), "a repeat after a restart changes nothing");

        Assert.AreEqual(1, _desk.View.Open(AlarmStates.KindAlarm).Count);
        Assert.AreEqual(version + 1, _desk.Changes.Version);
    }

    [TestMethod]
    public void Book_EventFromBeforeTheDeskExisted_KeptAsHistoryNotQueued()
    {
        var e = new DeviceEvent("pendant-0001", 1, 1, EventTypes.Sos, _desk.Now);

        _desk.Book.Book(e, _desk.Now - 60_000);

        Assert.AreEqual(0, _desk.View.Open(AlarmStates.KindAlarm).Count);
        Assert.AreEqual(AlarmStates.BeforeConsole, _desk.Get(e.Id).Outcome);
    }

    [TestMethod]
    public async Task Take_TwoOperatorsAtOnce_ExactlyOneWins()
    {
        var id = _desk.Receive("pendant-0001", 1, EventTypes.Sos);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => _desk.Book.Take(id, $"op{i}", _desk.Now))));

        Assert.AreEqual(1, results.Count(r => r.Outcome == DeskOutcome.Done));
        Assert.AreEqual(7, results.Count(r => r.Outcome == DeskOutcome.Conflict));
        var alarm = _desk.Get(id);
        Assert.AreEqual(AlarmStates.Taken, alarm.State);
        StringAssert.StartsWith(alarm.TakenBy, "op");
    }

    [TestMethod]
    public void Take_Unknown_NotFound()
    {
        Assert.AreEqual(DeskOutcome.NotFound, _desk.Book.Take("pendant-0001:1:99", "op1", _desk.Now).Outcome);
    }

    [TestMethod]
    public void Close_WithOutcome_RecordsItAndLeavesTheQueue()
    {
        var id = _desk.Receive("pendant-0001", 1, EventTypes.Sos);
        _desk.Book.Take(id, "op1", _desk.Now);
        _desk.Time.Advance(TimeSpan.FromSeconds(30));

        var result = _desk.Book.Close(id, "op1", mayCloseOthers: false, "visit", _desk.Now);

        Assert.AreEqual(DeskOutcome.Done, result.Outcome);
        var alarm = _desk.Get(id);
        Assert.AreEqual(AlarmStates.Closed, alarm.State);
        Assert.AreEqual("visit", alarm.Outcome);
        Assert.AreEqual(_desk.Now, alarm.ClosedAt);
        Assert.AreEqual(0, _desk.View.Open(AlarmStates.KindAlarm).Count);
        Assert.AreEqual(id, _desk.View.RecentlyClosed(10).Single().EventId);
    }

    [TestMethod]
    [DataRow("not_an_outcome", DeskOutcome.Invalid)]
    [DataRow("done", DeskOutcome.Invalid)]
    [DataRow("false_alarm", DeskOutcome.Done)]
    public void Close_Outcome_OnlyTheAlarmOutcomesAreAccepted(string outcome, DeskOutcome expected)
    {
        var id = _desk.Receive("pendant-0001", 1, EventTypes.Fall);
        _desk.Book.Take(id, "op1", _desk.Now);

        Assert.AreEqual(expected, _desk.Book.Close(id, "op1", mayCloseOthers: false, outcome, _desk.Now).Outcome);
    }

    [TestMethod]
    public void Close_AnotherOperatorsAlarm_RefusedUnlessSupervisor()
    {
        var id = _desk.Receive("pendant-0001", 1, EventTypes.Sos);
        _desk.Book.Take(id, "op1", _desk.Now);

        Assert.AreEqual(DeskOutcome.Conflict, _desk.Book.Close(id, "op2", mayCloseOthers: false, "visit", _desk.Now).Outcome);
        Assert.AreEqual(DeskOutcome.Done, _desk.Book.Close(id, "boss", mayCloseOthers: true, "visit", _desk.Now).Outcome);
    }

    [TestMethod]
    public void Close_NotTakenYet_Refused()
    {
        var id = _desk.Receive("pendant-0001", 1, EventTypes.Sos);

        var result = _desk.Book.Close(id, "op1", mayCloseOthers: true, "visit", _desk.Now);

        Assert.AreEqual(DeskOutcome.Conflict, result.Outcome);
        StringAssert.Contains(result.Reason, "open");
    }

    [TestMethod]
    public void EscalateDue_TakenButNotClosedForTheLimit_EscalatedOnce()
    {
        var id = _desk.Receive("pendant-0001", 1, EventTypes.Sos);
        var closedInTime = _desk.Receive("pendant-0002", 1, EventTypes.Sos);
        _desk.Book.Take(id, "op1", _desk.Now);
        _desk.Book.Take(closedInTime, "op2", _desk.Now);
        _desk.Time.Advance(TimeSpan.FromSeconds(300));
        _desk.Book.Close(closedInTime, "op2", mayCloseOthers: false, "resolved_phone", _desk.Now);

        _desk.Time.Advance(TimeSpan.FromSeconds(299));
        Assert.AreEqual(0, _desk.Book.EscalateDue(_desk.Now).Count, "599 s after the take: not yet");
        _desk.Time.Advance(TimeSpan.FromSeconds(1));
        var escalated = _desk.Book.EscalateDue(_desk.Now);
        _desk.Time.Advance(TimeSpan.FromSeconds(60));
        var again = _desk.Book.EscalateDue(_desk.Now);

        CollectionAssert.AreEqual(new[] { id }, escalated.ToList());
        Assert.AreEqual(0, again.Count, "escalated once");
        var alarm = _desk.Get(id);
        Assert.AreEqual(AlarmStates.Escalated, alarm.State);
        Assert.AreEqual(DeskFixture.Start.AddSeconds(600).ToUnixTimeMilliseconds(), alarm.EscalatedAt);
        Assert.AreEqual(DeskOutcome.Done, _desk.Book.Close(id, "op1", mayCloseOthers: false, "ambulance", _desk.Now).Outcome, "an escalated alarm can still be closed");
    }

    [TestMethod]
    public void EscalateDue_OpenAlarmNeverTaken_NotEscalated()
    {
        _desk.Receive("pendant-0001", 1, EventTypes.Sos);
        _desk.Time.Advance(TimeSpan.FromHours(1));

        Assert.AreEqual(0, _desk.Book.EscalateDue(_desk.Now).Count, "untaken alarms are the red queue's job, not escalation's");
    }

    [TestMethod]
    public void Book_SosCancelOfAnOpenAlarm_ClosesItAsCancelled()
    {
        var id = _desk.Receive("pendant-0001", 4, EventTypes.Sos);

        _desk.Receive("pendant-0001", 5, EventTypes.SosCancel, e => e.ReferenceSequence = 4);

        Assert.AreEqual(AlarmStates.Cancelled, _desk.Get(id).Outcome);
        Assert.AreEqual(AlarmStates.Closed, _desk.Get(id).State);
    }

    [TestMethod]
    public void Book_SosCancelOfATakenAlarm_StaysWithTheOperatorAsANote()
    {
        var id = _desk.Receive("pendant-0001", 4, EventTypes.Sos);
        _desk.Book.Take(id, "op1", _desk.Now);

        _desk.Receive("pendant-0001", 5, EventTypes.SosCancel, e => e.ReferenceSequence = 4);

        var alarm = _desk.Get(id);
        Assert.AreEqual(AlarmStates.Taken, alarm.State);
        Assert.AreEqual("cancelled_by_elder", alarm.Notes.Single().Text);
    }

    [TestMethod]
    public void Book_DeviceOnline_ClosesTheDeviceOfflineAlarmItNames()
    {
        var offline = _desk.Receive("gw-01", 3, EventTypes.DeviceOffline, e => e.Subject = "pendant-0002", boot: 2);

        _desk.Receive("gw-01", 4, EventTypes.DeviceOnline, e => { e.Subject = "pendant-0002"; e.ReferenceSequence = 3; }, boot: 2);

        Assert.AreEqual(AlarmStates.BackOnline, _desk.Get(offline).Outcome);
    }

    [TestMethod]
    public void ServiceRequest_AcceptAssignDone_ItsOwnListAndMatchedByCard()
    {
        using var csv = new StringReader("record_no,name,address,emergency_contacts,devices,cards\nR-1,王秀英,迎泽区 1 号,女儿 138 0000 0000,pendant-0001,04A1B2C3\n");
        Assert.AreEqual(0, _desk.Elders.Import(csv, "admin", _desk.Now).Problems.Count);
        var id = _desk.Receive("kiosk-0001", 1, EventTypes.ServiceRequest, e => { e.Service = ServiceCodes.Meal; e.Card = "04A1B2C3"; });

        var listed = _desk.View.Open(AlarmStates.KindService).Single();
        Assert.AreEqual(0, _desk.View.Open(AlarmStates.KindAlarm).Count, "requests are not alarms");
        Assert.AreEqual("王秀英", listed.ElderName, "found by the card's keyed hash");
        Assert.AreEqual(DeskOutcome.Conflict, _desk.Book.Assign(id, "op1", _desk.Options.EffectiveProviders[0], _desk.Now).Outcome, "accept first");
        Assert.AreEqual(DeskOutcome.Done, _desk.Book.Take(id, "op1", _desk.Now).Outcome);
        Assert.AreEqual(DeskOutcome.Invalid, _desk.Book.Assign(id, "op1", "nobody we know", _desk.Now).Outcome);
        Assert.AreEqual(DeskOutcome.Done, _desk.Book.Assign(id, "op1", _desk.Options.EffectiveProviders[0], _desk.Now).Outcome);
        Assert.AreEqual(DeskOutcome.Invalid, _desk.Book.Close(id, "op1", mayCloseOthers: false, "visit", _desk.Now).Outcome, "a request is done, not visited");
        Assert.AreEqual(DeskOutcome.Done, _desk.Book.Close(id, "op1", mayCloseOthers: false, AlarmStates.ServiceDone, _desk.Now).Outcome);
        var done = _desk.Get(id);
        Assert.AreEqual(_desk.Options.EffectiveProviders[0], done.Provider);
        Assert.AreEqual(AlarmStates.ServiceDone, done.Outcome);
    }

    [TestMethod]
    public void ServiceRequest_WithACardNotOnRecord_FiledAndFlagged_AnonymousNotFlagged()
    {
        using var csv = new StringReader("record_no,name,address,emergency_contacts,devices,cards\nR-1,王秀英,迎泽区 1 号,女儿,pendant-0001,04A1B2C3\n");
        Assert.AreEqual(0, _desk.Elders.Import(csv, "admin", _desk.Now).Problems.Count);
        var known = _desk.Receive("kiosk-0001", 1, EventTypes.ServiceRequest, e => { e.Service = ServiceCodes.Meal; e.Card = "04A1B2C3"; });
        var stranger = _desk.Receive("kiosk-0001", 2, EventTypes.ServiceRequest, e => { e.Service = ServiceCodes.Cleaning; e.Card = "04FFEEDD"; });
        var anonymous = _desk.Receive("kiosk-0001", 3, EventTypes.ServiceRequest, e => e.Service = ServiceCodes.Bathing);

        var open = _desk.View.Open(AlarmStates.KindService).ToDictionary(a => a.EventId);

        Assert.AreEqual(3, open.Count, "every request filed, the unknown card's too");
        Assert.AreEqual((DeskView.CardOnRecord, DeskView.CardNotOnRecord, (string?)null), (open[known].CardStatus, open[stranger].CardStatus, open[anonymous].CardStatus));
        Assert.IsNull(open[stranger].ElderName);
    }

    [TestMethod]
    public void CardUid_NeverStoredInClear()
    {
        using (var csv = new StringReader("record_no,name,address,emergency_contacts,devices,cards\nR-1,A,B,C,,04A1B2C3;0A0B0C0D0E0F11\n"))
        {
            _desk.Elders.Import(csv, "admin", _desk.Now);
        }

        _desk.Receive("kiosk-0001", 1, EventTypes.ServiceRequest, e => { e.Service = ServiceCodes.Meal; e.Card = "04A1B2C3"; });
        _desk.Database.Read(c => Sql(c, "PRAGMA wal_checkpoint(TRUNCATE)"));

        var bytes = File.ReadAllBytes(Path.Combine(_desk.DataDirectory, ConsoleDatabase.FileName));
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        Assert.IsFalse(text.Contains("04A1B2C3", StringComparison.Ordinal), "the UID is only a keyed hash in console.db");
        Assert.IsFalse(text.Contains("0A0B0C0D0E0F11", StringComparison.Ordinal));
        CollectionAssert.AreEqual(new[] { "••••••C3", "••••••••••••11" }, _desk.Elders.List().Single().CardHints.Order().ToList());
    }

    [TestMethod]
    public void EveryAction_InTheAuditTrail_WhoWhenWhat()
    {
        var id = _desk.Receive("pendant-0001", 1, EventTypes.Sos);
        _desk.Book.Take(id, "op1", _desk.Now);
        _desk.Book.Note(id, "op1", "called the daughter", _desk.Now);
        _desk.Book.Close(id, "op1", mayCloseOthers: false, "resolved_phone", _desk.Now);

        var trail = AuditTrail.Latest(_desk.Database, 10, id).Reverse().Select(a => $"{a.By}:{a.Action}:{a.Detail}").ToList();

        CollectionAssert.AreEqual(new[] { "system:received:sos", "op1:take:", "op1:note:called the daughter", "op1:close:resolved_phone" }, trail);
    }

    [TestMethod]
    public void Today_MedianAndWorstTimeToTake_WaitingAlarmCountsInTheWorst()
    {
        var startOfDay = DeskFixture.Start.Date;
        var a = _desk.Receive("pendant-0001", 1, EventTypes.Sos);
        _desk.Time.Advance(TimeSpan.FromSeconds(10));
        _desk.Book.Take(a, "op1", _desk.Now);
        var b = _desk.Receive("pendant-0002", 1, EventTypes.Fall);
        _desk.Time.Advance(TimeSpan.FromSeconds(30));
        _desk.Book.Take(b, "op1", _desk.Now);
        var c = _desk.Receive("pendant-0003", 1, EventTypes.Sos);
        _desk.Time.Advance(TimeSpan.FromSeconds(90));
        _desk.Book.Take(c, "op1", _desk.Now);
        _desk.Receive("pendant-0004", 1, EventTypes.Sos);
        _desk.Time.Advance(TimeSpan.FromSeconds(200));

        var figures = _desk.View.Today(new DateTimeOffset(startOfDay, TimeSpan.Zero).ToUnixTimeMilliseconds(), _desk.Now);

        Assert.AreEqual(4, figures.AlarmsToday);
        Assert.AreEqual(30_000L, figures.MedianToTakeMilliseconds);
        Assert.AreEqual(200_000L, figures.WorstToTakeMilliseconds, "the one still waiting has waited longest");
        Assert.AreEqual(66.7, figures.TakenWithin60SecondsPercent);
    }

    private static int Sql(Microsoft.Data.Sqlite.SqliteConnection connection, string text)
    {
        using var command = connection.CreateCommand();
        command.CommandText = text;
        command.ExecuteNonQuery();
        return 0;
    }
}
