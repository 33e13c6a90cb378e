using Eldercare.Firmware.Core.Commands;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Kiosk;
using Eldercare.Firmware.Tests.Fakes;

namespace Eldercare.Firmware.Tests.Apps;

/// <summary>The kiosk's state machine on a fake clock: card sessions, 六助 requests, SOS, and each request's state.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class KioskAppTests
{
    private const string Kiosk = "kiosk-01";
    private static readonly byte[] CardA = [0x04, 0xA1, 0xB2, 0xC3];
    private static readonly byte[] CardB = [0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66];
    private readonly FakeClock _clock = new();
    private readonly MemoryStorage _storage = new();
    private readonly FakeMqttLink _link = new();
    private readonly FakeButton _sos = new();
    private readonly FakeButton[] _services = [new(), new(), new(), new(), new(), new()];
    private readonly FakeCardReader _reader = new();
    private readonly FakeKioskDisplay _display = new();
    private readonly FakeIndicator _buzzer = new();

    [TestMethod]
    public void CardTap_OpensASession_AndFilesOneCheckIn()
    {
        KioskApp app = Started();

        Tap(app, CardA);
        RunFor(app, 3_000); // the card lies on the reader

        DeviceEvent checkIn = Published(EventTypes.CheckIn).Single();
        Assert.AreEqual("04A1B2C3", checkIn.Card);
        Assert.AreEqual("04A1B2C3", app.SessionCard);
        CollectionAssert.Contains(_display.Lines, "session *B2C3", "only the last 4 hex digits are shown");
    }

    [TestMethod]
    public void ServiceInSession_IsFiledForTheCard_AndASecondPressFilesNothing()
    {
        KioskApp app = Started();
        Tap(app, CardA);

        Press(app, 0); // 助餐
        Press(app, 0);

        DeviceEvent request = Published(EventTypes.ServiceRequest).Single();
        Assert.AreEqual(ServiceCodes.Meal, request.Service);
        Assert.AreEqual("04A1B2C3", request.Card);
        Assert.AreEqual(1, app.RepeatedRequests);
        CollectionAssert.Contains(_display.Lines, "meal already");
    }

    [TestMethod]
    public void DifferentServicesInASession_AreEachFiled()
    {
        KioskApp app = Started();
        Tap(app, CardA);

        Press(app, 0);
        Press(app, 2);
        Press(app, 5);

        CollectionAssert.AreEqual(new[] { "meal", "bath", "shop" }, Published(EventTypes.ServiceRequest).Select(e => e.Service).ToArray());
    }

    [TestMethod]
    public void WithoutACard_TheRequestIsAnonymous_AndStillNotFiledTwice()
    {
        KioskApp app = Started();

        Press(app, 3);
        Press(app, 3);

        DeviceEvent request = Published(EventTypes.ServiceRequest).Single();
        Assert.IsNull(request.Card);
        Assert.AreEqual(ServiceCodes.Medical, request.Service);
        Assert.AreEqual(1, app.RepeatedRequests);
    }

    [TestMethod]
    public void SessionEnds_AfterItsTime_ThenTheSameServiceIsANewRequest()
    {
        KioskApp app = Started(sessionSeconds: 60);
        Tap(app, CardA);
        Press(app, 0);

        RunFor(app, 61_000);
        Assert.IsNull(app.SessionCard);
        CollectionAssert.Contains(_display.Lines, "session closed");
        Press(app, 0);

        Assert.AreEqual(2, Published(EventTypes.ServiceRequest).Count);
        Assert.IsNull(Published(EventTypes.ServiceRequest)[1].Card, "after the session: anonymous");
    }

    [TestMethod]
    public void AnotherCard_StartsAnotherSession_WithItsOwnCheckIn()
    {
        KioskApp app = Started();
        Tap(app, CardA);
        Press(app, 0);

        Tap(app, CardB);
        Press(app, 0);

        Assert.AreEqual(2, Published(EventTypes.CheckIn).Count);
        CollectionAssert.AreEqual(new[] { "04A1B2C3", "0411223344556" + "6" }, Published(EventTypes.ServiceRequest).Select(e => e.Card).ToArray());
    }

    [TestMethod]
    [DataRow(5, DisplayName = "5-byte UID")]
    [DataRow(16, DisplayName = "16 bytes")]
    [DataRow(-1, DisplayName = "failed read")]
    public void BadCardRead_IsCountedAndIsNeverATap(int length)
    {
        KioskApp app = Started();
        _reader.Card = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
        _reader.Length = length;

        RunFor(app, 500);

        Assert.IsGreaterThan(0, app.CardReadsRejected);
        Assert.IsEmpty(Published(EventTypes.CheckIn));
        Assert.IsNull(app.SessionCard);
    }

    [TestMethod]
    public void Sos_WithAndWithoutACard()
    {
        KioskApp app = Started();
        HoldSos(app);
        Tap(app, CardA);
        HoldSos(app);

        var sos = Published(EventTypes.Sos);
        Assert.HasCount(2, sos);
        Assert.IsNull(sos[0].Card);
        Assert.AreEqual("04A1B2C3", sos[1].Card);
        Assert.AreEqual(IndicatorPattern.AlarmRaised, _buzzer.Last);
    }

    [TestMethod]
    public void Request_IsSentThenReceivedThenAccepted()
    {
        KioskApp app = Started();
        Tap(app, CardA);
        Press(app, 0);
        int seq = LastPublished().Sequence;
        Assert.AreEqual(RequestState.Sent, app.StateOf(seq));

        _link.Complete(_link.Published[^1].Token, acknowledged: true);
        Assert.AreEqual(RequestState.Received, app.StateOf(seq));

        Acknowledge(app, seq);
        Acknowledge(app, seq);

        Assert.AreEqual(RequestState.Accepted, app.StateOf(seq));
        Assert.AreEqual(1, _display.Lines.Count(l => l == "meal Accepted"), "a second acknowledgement changes nothing");
        Assert.AreEqual(0, app.CommandsRejected);
    }

    [TestMethod]
    public void LinkDown_ShowsNotDeliveredYet_ThenTheOutboxDeliversIt()
    {
        KioskApp app = Started();
        _link.IsConnected = false;
        Press(app, 1);
        DeviceEvent queued = app.Outbox.Count > 0 ? DecodeNext(app) : throw new AssertFailedException("not kept");
        Assert.AreEqual(RequestState.NotDeliveredYet, app.StateOf(queued.Sequence));
        CollectionAssert.Contains(_display.Lines, "clean NotDeliveredYet");

        _link.IsConnected = true;
        RunFor(app, 100);
        Assert.AreEqual(RequestState.Sent, app.StateOf(queued.Sequence));
        _link.Complete(_link.Published[^1].Token, acknowledged: true);

        Assert.AreEqual(RequestState.Received, app.StateOf(queued.Sequence));
        Assert.AreEqual(ServiceCodes.Cleaning, LastPublished().Service);
    }

    [TestMethod]
    public void AcknowledgedSos_SoundsHelpComing()
    {
        KioskApp app = Started();
        HoldSos(app);
        int seq = LastPublished().Sequence;

        Acknowledge(app, seq);

        Assert.AreEqual(IndicatorPattern.HelpComing, _buzzer.Last);
        CollectionAssert.Contains(_display.Lines, "sos Accepted");
    }

    [TestMethod]
    public void Heartbeat_CarriesFirmwareVersionAndSignal_NoBattery()
    {
        var options = new KioskOptions(Kiosk) { FirmwareVersion = "2.1.0-rc1" };
        var app = new KioskApp(options, new KioskHardware(_clock, _storage, _link, _sos, _services, _reader, _display, _buzzer) { Radio = new FakeRadio { SignalDbm = -71 } });
        Assert.IsTrue(app.Start());

        app.Tick();

        DeviceEvent heartbeat = LastPublished();
        Assert.AreEqual((EventTypes.Heartbeat, "2.1.0-rc1", -71, DeviceEvent.Absent), (heartbeat.Type, heartbeat.FirmwareVersion, heartbeat.SignalDbm, heartbeat.BatteryPercent));
    }

    [TestMethod]
    public void Start_BadFirmwareVersion_Refused() =>
        Assert.IsFalse(new KioskApp(new KioskOptions(Kiosk) { FirmwareVersion = "v 1" }, new KioskHardware(_clock, _storage, _link, _sos, _services, _reader, _display, _buzzer)).Start());

    [TestMethod]
    public void ServiceRequests_AreSentBeforeHeartbeats_AndNeverEvicted()
    {
        KioskApp app = Started(heartbeatSeconds: 1);
        _link.IsConnected = false;
        RunFor(app, 300_000); // 300 heartbeats queue while the link is down: past the outbox's telemetry quota
        Tap(app, CardA);
        Press(app, 0);
        RunFor(app, 300_000);

        int before = _link.Published.Count;
        _link.IsConnected = true;
        RunFor(app, 20);

        DeviceEvent first = EventCodec.Decode(_link.Published[before].Payload).Event!;
        Assert.AreEqual(EventTypes.ServiceLane, EventTypes.LaneOf(EventTypes.CheckIn));
        Assert.AreEqual(EventTypes.CheckIn, first.Type, "the service lane goes before telemetry");
        Assert.IsGreaterThan(0, app.Outbox.DroppedTelemetryCount, "heartbeats were evicted, requests were not");
    }

    [TestMethod]
    public void Downlink_ForAnotherDevice_IsRefusedAndCounted()
    {
        KioskApp app = Started();
        Press(app, 0);

        _link.Deliver(Topics.Commands(Kiosk), CommandCodec.EncodeAck("kiosk-02:1:2", 1, "center"));

        Assert.AreEqual(1, app.CommandsRejected);
        StringAssert.StartsWith(app.LastCommandRejection, RejectReasons.DeviceMismatch);
    }

    private KioskApp Started(int sessionSeconds = 60, int heartbeatSeconds = 3600)
    {
        var options = new KioskOptions(Kiosk) { SessionSeconds = sessionSeconds, HeartbeatIntervalSeconds = heartbeatSeconds };
        var app = new KioskApp(options, new KioskHardware(_clock, _storage, _link, _sos, _services, _reader, _display, _buzzer));
        Assert.IsTrue(app.Start());
        app.Tick();
        Settle(app); // first heartbeat
        return app;
    }

    private void Tap(KioskApp app, byte[] card)
    {
        Settle(app);
        _reader.Card = card;
        RunFor(app, 300);
        _reader.Card = null;
        RunFor(app, 300);
    }

    private void Press(KioskApp app, int button)
    {
        Settle(app);
        _services[button].IsPressed = true;
        RunFor(app, 200);
        _services[button].IsPressed = false;
        RunFor(app, 100);
    }

    private void HoldSos(KioskApp app)
    {
        Settle(app);
        _sos.IsPressed = true;
        RunFor(app, 2_100);
        _sos.IsPressed = false;
        RunFor(app, 100);
    }

    /// <summary>
    /// PUBACKs every publish so far and lets the sender finish the outbox (while connected), so the next action's event
    /// is the next publish, left unanswered for the test to watch.
    /// </summary>
    private void Settle(KioskApp app)
    {
        while (_link.IsConnected && _answered < _link.Published.Count)
        {
            for (; _answered < _link.Published.Count; _answered++)
            {
                _link.Complete(_link.Published[_answered].Token, acknowledged: true);
            }

            RunFor(app, 20);
        }
    }

    private int _answered;

    private void Acknowledge(KioskApp app, int seq) =>
        _link.Deliver(Topics.Commands(Kiosk), CommandCodec.EncodeAck(DeviceEvent.MakeId(Kiosk, app.BootEpoch, seq), 1_764_720_000_000, "center"));

    private void RunFor(KioskApp app, int milliseconds)
    {
        for (int t = 0; t < milliseconds; t += 10)
        {
            _clock.Advance(10);
            app.Tick();
        }
    }

    private List<DeviceEvent> Published(string type) =>
        _link.Published.Select(p => EventCodec.Decode(p.Payload).Event!).Where(e => e.Type == type).DistinctBy(e => e.Id).ToList();

    private DeviceEvent LastPublished() => EventCodec.Decode(_link.Published[^1].Payload).Event!;

    private static DeviceEvent DecodeNext(KioskApp app) => EventCodec.Decode(app.Outbox.ReadPayload(app.Outbox.PeekNext())).Event!;
}
