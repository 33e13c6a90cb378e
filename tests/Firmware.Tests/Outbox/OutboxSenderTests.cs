using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Outbox;
using Eldercare.Firmware.Tests.Fakes;

namespace Eldercare.Firmware.Tests.Outbox;

[TestClass]
[TestCategory("Unit")]
public sealed class OutboxSenderTests
{
    private static readonly string Topic = Topics.Events("pendant-0001");

    [TestMethod]
    public void Pump_PublishWithoutPubAck_KeepsEventInOutbox()
    {
        var (outbox, link, sender) = Create();
        outbox.Enqueue(PersistentOutboxTests.Event(EventTypes.Sos, 1, 1));

        sender.Pump(0);

        Assert.AreEqual(1, link.Published.Count);
        Assert.AreEqual(Topic, link.Published[0].Topic);
        Assert.AreEqual(1, outbox.Count, "no PUBACK yet: the event must stay");
    }

    [TestMethod]
    public void Pump_PubAck_DeletesEventAndRaisesDelivered()
    {
        var (outbox, link, sender) = Create();
        outbox.Enqueue(PersistentOutboxTests.Event(EventTypes.Sos, 1, 1));
        OutboxEntry? delivered = null;
        sender.Delivered += (_, entry) => delivered = entry;

        sender.Pump(0);
        link.Complete(acknowledged: true);

        Assert.AreEqual(0, outbox.Count);
        Assert.AreEqual(1, delivered!.Sequence);
    }

    [TestMethod]
    public void Pump_PublishFailed_ResendsSameIdOnNextPump()
    {
        var (outbox, link, sender) = Create();
        outbox.Enqueue(PersistentOutboxTests.Event(EventTypes.Sos, 1, 7));

        sender.Pump(0);
        link.Complete(acknowledged: false);
        sender.Pump(10);

        Assert.AreEqual(2, link.Published.Count);
        CollectionAssert.AreEqual(link.Published[0].Payload, link.Published[1].Payload, "resend carries the original id");
        Assert.AreEqual(1, sender.ResendCount);
    }

    [TestMethod]
    public void Pump_NoAnswerWithinTimeout_ResendsAndIgnoresLateAck()
    {
        var (outbox, link, sender) = Create(ackTimeout: 1000);
        outbox.Enqueue(PersistentOutboxTests.Event(EventTypes.Sos, 1, 1));
        outbox.Enqueue(PersistentOutboxTests.Event(EventTypes.Sos, 1, 2));

        sender.Pump(0);
        sender.Pump(500);
        Assert.AreEqual(1, link.Published.Count, "one in flight at a time");
        sender.Pump(1000);
        Assert.AreEqual(2, link.Published.Count);
        int firstToken = link.Published[0].Token;
        link.Complete(firstToken, acknowledged: true); // late PUBACK of the first attempt

        Assert.AreEqual(2, outbox.Count, "a stale token must not delete anything");
        link.Complete(acknowledged: true);
        Assert.AreEqual(1, outbox.Count);
        Assert.AreEqual(2, outbox.PeekNext()!.Sequence);
    }

    [TestMethod]
    public void Pump_Disconnected_PublishesNothingUntilConnected()
    {
        var (outbox, link, sender) = Create();
        outbox.Enqueue(PersistentOutboxTests.Event(EventTypes.Sos, 1, 1));
        link.IsConnected = false;

        sender.Pump(0);
        Assert.AreEqual(0, link.Published.Count);

        link.IsConnected = true;
        sender.Pump(20);
        Assert.AreEqual(1, link.Published.Count);
    }

    [TestMethod]
    public void Pump_ManyEvents_SentInLaneOrderOneAtATime()
    {
        var (outbox, link, sender) = Create();
        for (int seq = 1; seq <= 5; seq++)
        {
            outbox.Enqueue(PersistentOutboxTests.Event(seq % 2 == 0 ? EventTypes.Sos : EventTypes.Heartbeat, 1, seq));
        }

        var sent = new List<int>();
        for (int i = 0; i < 5; i++)
        {
            sender.Pump(i);
            sent.Add(EventCodec.Decode(link.Published[^1].Payload).Event!.Sequence);
            link.Complete(acknowledged: true);
        }

        CollectionAssert.AreEqual(new[] { 2, 4, 1, 3, 5 }, sent);
        Assert.IsTrue(sender.IsIdle);
    }

    private static (PersistentOutbox, FakeMqttLink, OutboxSender) Create(int ackTimeout = 5000)
    {
        var outbox = new PersistentOutbox(new MemoryStorage(), new OutboxOptions());
        var link = new FakeMqttLink();
        return (outbox, link, new OutboxSender(outbox, link, Topic, ackTimeout));
    }
}
