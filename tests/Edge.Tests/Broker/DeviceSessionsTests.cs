using System.Buffers;
using System.Globalization;
using System.Text;
using Eldercare.Edge.Gateway.Broker.Sessions;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Eldercare.Edge.Tests.Broker;

/// <summary>
/// Sessions and downlinks without sockets: a recording link stands for the connection, a fake clock for time, and a
/// real <c>sessions.db</c> in a temporary directory for the disk (reopened to play a gateway restart). A recording
/// link completes each send at once, so every delivery has happened when the call that caused it returns.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class DeviceSessionsTests
{
    private const string Device = "pendant-0001";
    private const long Week = 7 * 86_400;
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-01T08:00:00Z", CultureInfo.InvariantCulture);

    private readonly TempDirectory _directory = new("sessions");
    private readonly FakeTimeProvider _time = new(Start);
    private readonly List<SessionStore> _stores = [];
    private GatewayMetrics _metrics = new();

    [TestCleanup]
    public void Cleanup()
    {
        _stores.ForEach(s => s.Dispose());
        _directory.Dispose();
    }

    [TestMethod]
    public async Task ConnectedSubscribedDevice_Enqueue_DeliveredOnItsCommandsTopicAtQos1_RemovedOnPubAck()
    {
        var sessions = Open();
        var link = new RecordingLink(Device);
        sessions.Attach(link, cleanStart: false, Week);
        sessions.Subscribe(link);

        Assert.AreEqual(DownlinkOutcome.Queued, await sessions.Downlinks.EnqueueAsync(Device, Bytes("help is coming"), CancellationToken.None));

        var publish = link.Sent.Single();
        Assert.AreEqual(Topics.Commands(Device), publish.Topic);
        Assert.AreEqual(MqttQualityOfServiceLevel.AtLeastOnce, publish.QualityOfServiceLevel);
        Assert.IsFalse(publish.Dup);
        Assert.AreEqual("help is coming", Text(publish));
        Assert.AreEqual(1, _metrics.DownlinksDelivered);
        Assert.Contains("gateway_downlinks_queue_depth 1\n", _metrics.ToPrometheusText());

        Assert.IsTrue(sessions.Acknowledge(link, publish.PacketIdentifier, MqttPubAckReasonCode.Success));
        Assert.AreEqual(1, _metrics.DownlinksAcknowledged);
        Assert.Contains("gateway_downlinks_queue_depth 0\n", _metrics.ToPrometheusText());
        Assert.IsFalse(sessions.Acknowledge(link, publish.PacketIdentifier, MqttPubAckReasonCode.Success), "a repeated PUBACK matches nothing");
    }

    [TestMethod]
    public async Task OfflineDevice_QueuedDownlinks_OnePerPubAckInEnqueueOrder_EachOnceWithoutDup()
    {
        var sessions = Open();
        var first = new RecordingLink(Device);
        sessions.Attach(first, cleanStart: false, Week);
        sessions.Subscribe(first);
        sessions.Detach(first);
        foreach (var text in new[] { "a", "b", "c" })
        {
            Assert.AreEqual(DownlinkOutcome.Queued, await sessions.Downlinks.EnqueueAsync(Device, Bytes(text), CancellationToken.None));
        }

        var second = new RecordingLink(Device);
        Assert.IsTrue(sessions.Attach(second, cleanStart: false, Week), "Session Present");

        for (var i = 0; i < 3; i++)
        {
            Assert.HasCount(i + 1, second.Sent, "one in flight: the next only after the PUBACK of the one before");
            sessions.Acknowledge(second, second.Sent[i].PacketIdentifier, MqttPubAckReasonCode.Success);
        }

        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, second.Sent.Select(Text).ToArray());
        Assert.IsTrue(second.Sent.All(p => !p.Dup));
        Assert.AreEqual(0, _metrics.DownlinksRedelivered);
        Assert.AreEqual(3, _metrics.DownlinksAcknowledged);
    }

    [TestMethod]
    public async Task InFlightDownlink_ConnectionLost_ResentFirstWithDupAndSamePacketId_ThenTheNext()
    {
        var sessions = Open();
        var first = new RecordingLink(Device);
        sessions.Attach(first, cleanStart: false, Week);
        sessions.Subscribe(first);
        await sessions.Downlinks.EnqueueAsync(Device, Bytes("a"), CancellationToken.None);
        await sessions.Downlinks.EnqueueAsync(Device, Bytes("b"), CancellationToken.None);
        var lost = first.Sent.Single();

        sessions.Detach(first);
        var second = new RecordingLink(Device);
        sessions.Attach(second, cleanStart: false, Week);

        var resent = second.Sent.Single();
        Assert.IsTrue(resent.Dup, "DUP on the second attempt (MQTT 3.1.1 3.3.1.1)");
        Assert.AreEqual(lost.PacketIdentifier, resent.PacketIdentifier, "original packet identifier (MQTT 3.1.1 4.4)");
        Assert.AreEqual("a", Text(resent));
        Assert.IsFalse(sessions.Acknowledge(first, lost.PacketIdentifier, MqttPubAckReasonCode.Success), "the old connection's PUBACK is not this session's");

        sessions.Acknowledge(second, resent.PacketIdentifier, MqttPubAckReasonCode.Success);
        Assert.AreEqual("b", Text(second.Sent[1]));
        Assert.IsFalse(second.Sent[1].Dup);
        Assert.AreEqual(1, _metrics.DownlinksRedelivered);
        Assert.AreEqual(2, _metrics.DownlinksDelivered);
    }

    [TestMethod]
    public async Task GatewayRestart_SessionSubscriptionAndQueueSurvive_InFlightResentWithDup()
    {
        var before = Open();
        var link = new RecordingLink(Device);
        before.Attach(link, cleanStart: false, Week);
        before.Subscribe(link);
        await before.Downlinks.EnqueueAsync(Device, Bytes("a"), CancellationToken.None);
        await before.Downlinks.EnqueueAsync(Device, Bytes("b"), CancellationToken.None);
        // The gateway dies with "a" in flight: no Detach, the store is simply closed.
        CloseStores();

        var after = Open();
        var again = new RecordingLink(Device);
        Assert.IsTrue(after.Attach(again, cleanStart: false, Week), "Session Present after the restart");
        Assert.IsTrue(again.Sent.Single().Dup, "subscription kept: delivery resumes without a new SUBSCRIBE, DUP on the resend");
        after.Acknowledge(again, again.Sent[0].PacketIdentifier, MqttPubAckReasonCode.Success);
        CollectionAssert.AreEqual(new[] { "a", "b" }, again.Sent.Select(Text).ToArray());
    }

    [TestMethod]
    public async Task CleanStart_DiscardsTheSessionAndItsQueue_CountedAndNotPresent()
    {
        var sessions = Open();
        var first = new RecordingLink(Device);
        sessions.Attach(first, cleanStart: false, Week);
        sessions.Subscribe(first);
        sessions.Detach(first);
        await sessions.Downlinks.EnqueueAsync(Device, Bytes("a"), CancellationToken.None);
        await sessions.Downlinks.EnqueueAsync(Device, Bytes("b"), CancellationToken.None);

        var clean = new RecordingLink(Device);
        Assert.IsFalse(sessions.Attach(clean, cleanStart: true, expirySeconds: 0), "no Session Present on a clean start");

        Assert.AreEqual(2, _metrics.DownlinksDiscarded("clean_session"));
        sessions.Subscribe(clean);
        Assert.IsEmpty(clean.Sent, "the discarded downlinks are gone, and the subscription with them");
        Assert.Contains("gateway_downlinks_queue_depth 0\n", _metrics.ToPrometheusText());
    }

    [TestMethod]
    public async Task CleanSession_ConnectionEnds_SessionEndsWithItsQueue_ThenNoSession()
    {
        var sessions = Open();
        var link = new RecordingLink(Device);
        Assert.IsFalse(sessions.Attach(link, cleanStart: true, expirySeconds: 0));
        Assert.AreEqual(DownlinkOutcome.Queued, await sessions.Downlinks.EnqueueAsync(Device, Bytes("while connected"), CancellationToken.None));

        sessions.Detach(link);

        Assert.AreEqual(1, _metrics.DownlinksDiscarded("session_ended"));
        Assert.AreEqual(DownlinkOutcome.NoSession, await sessions.Downlinks.EnqueueAsync(Device, Bytes("after"), CancellationToken.None));
        Assert.AreEqual(1, _metrics.DownlinksRejected("no_session"));
        Assert.IsFalse(sessions.Attach(new RecordingLink(Device), cleanStart: false, Week), "nothing to resume");
    }

    [TestMethod]
    public async Task PersistentSession_AwayLongerThanItsExpiry_EndsOnTheClock_NotBefore()
    {
        var sessions = Open();
        var link = new RecordingLink(Device);
        sessions.Attach(link, cleanStart: false, expirySeconds: 60);
        sessions.Detach(link);
        await sessions.Downlinks.EnqueueAsync(Device, Bytes("a"), CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(59));
        sessions.ExpireSessions();
        Assert.AreEqual(0, _metrics.DownlinksDiscarded("session_expired"));

        _time.Advance(TimeSpan.FromSeconds(1));
        sessions.ExpireSessions();
        Assert.AreEqual(1, _metrics.DownlinksDiscarded("session_expired"));
        Assert.IsFalse(sessions.Attach(new RecordingLink(Device), cleanStart: false, 60), "expired: no session to resume");
    }

    [TestMethod]
    public async Task Restart_AfterTheExpiryOfASessionLeftConnected_EndsIt_CountedFromTheStart()
    {
        var before = Open();
        before.Attach(new RecordingLink(Device), cleanStart: false, expirySeconds: 60);
        await before.Downlinks.EnqueueAsync(Device, Bytes("a"), CancellationToken.None);
        CloseStores();

        Open();
        Assert.AreEqual(0, _metrics.DownlinksDiscarded("session_expired"), "the connection ended with the old run: expiry counts from this start");
        _time.Advance(TimeSpan.FromSeconds(61));
        CloseStores();

        Open();
        Assert.AreEqual(1, _metrics.DownlinksDiscarded("session_expired"));
    }

    [TestMethod]
    public async Task QueueAtItsBound_Enqueue_QueueFullCountedNothingStored()
    {
        var sessions = Open(maxQueued: 3);
        sessions.Attach(new RecordingLink(Device), cleanStart: false, Week);
        for (var i = 0; i < 3; i++)
        {
            Assert.AreEqual(DownlinkOutcome.Queued, await sessions.Downlinks.EnqueueAsync(Device, Bytes($"{i}"), CancellationToken.None));
        }

        Assert.AreEqual(DownlinkOutcome.QueueFull, await sessions.Downlinks.EnqueueAsync(Device, Bytes("3"), CancellationToken.None));

        Assert.AreEqual(1, _metrics.DownlinksRejected("queue_full"));
        Assert.AreEqual(3, _metrics.DownlinksQueuedTotal);
        Assert.Contains("gateway_downlinks_rejected_total{reason=\"queue_full\"} 1\n", _metrics.ToPrometheusText());
    }

    [TestMethod]
    [DataRow("pendant-9999", 10, DownlinkOutcome.UnknownDevice, "unknown_device")]
    [DataRow(Device, 1025, DownlinkOutcome.TooLarge, "too_large")]
    public async Task Enqueue_Refused_OutcomeAndCounter(string device, int payloadBytes, DownlinkOutcome expected, string reason)
    {
        var sessions = Open();
        sessions.Attach(new RecordingLink(Device), cleanStart: false, Week);

        Assert.AreEqual(expected, await sessions.Downlinks.EnqueueAsync(device, new byte[payloadBytes], CancellationToken.None));

        Assert.AreEqual(1, _metrics.DownlinksRejected(reason));
        Assert.AreEqual(0, _metrics.DownlinksQueuedTotal);
    }

    [TestMethod]
    public async Task Unsubscribed_QueueHeld_DeliveryResumesOnSubscribe()
    {
        var sessions = Open();
        var link = new RecordingLink(Device);
        sessions.Attach(link, cleanStart: false, Week);
        await sessions.Downlinks.EnqueueAsync(Device, Bytes("a"), CancellationToken.None);
        Assert.IsEmpty(link.Sent, "not subscribed yet");

        sessions.Subscribe(link);

        Assert.AreEqual("a", Text(link.Sent.Single()));
    }

    [TestMethod]
    public async Task TakeOver_NewConnectionResumes_InFlightResentOnIt_OldDetachIgnored()
    {
        var sessions = Open();
        var old = new RecordingLink(Device);
        sessions.Attach(old, cleanStart: false, Week);
        sessions.Subscribe(old);
        await sessions.Downlinks.EnqueueAsync(Device, Bytes("a"), CancellationToken.None);

        var taker = new RecordingLink(Device);
        Assert.IsTrue(sessions.Attach(taker, cleanStart: false, Week));
        sessions.Detach(old);

        Assert.IsTrue(taker.Sent.Single().Dup);
        Assert.AreEqual(DownlinkOutcome.Queued, await sessions.Downlinks.EnqueueAsync(Device, Bytes("b"), CancellationToken.None), "the session is still there");
    }

    private DeviceSessions Open(int maxQueued = 32)
    {
        _metrics = new GatewayMetrics();
        var store = SessionStore.Open(_directory.Path, _time.GetUtcNow().ToUnixTimeMilliseconds());
        _stores.Add(store);
        return new DeviceSessions(store, id => id.StartsWith("pendant-0", StringComparison.Ordinal), maxQueued, _metrics, NullLogger.Instance, _time);
    }

    private void CloseStores()
    {
        _stores.ForEach(s => s.Dispose());
        _stores.Clear();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(MqttPublishPacket packet) => Encoding.UTF8.GetString(packet.Payload.ToArray());

    /// <summary>The connection, as the session sees it: every downlink sent is recorded, at once.</summary>
    private sealed class RecordingLink(string deviceId) : ISessionLink
    {
        public string DeviceId { get; } = deviceId;

        public List<MqttPublishPacket> Sent { get; } = [];

        public Task SendDownlinkAsync(MqttPublishPacket packet)
        {
            lock (Sent)
            {
                Sent.Add(packet);
            }

            return Task.CompletedTask;
        }
    }
}
