using System.Text;
using Eldercare.CloudStub;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Eldercare.Edge.Tests.Upstream;

/// <summary>
/// The JetStream upstream's answer rules against one real nats-server (JetStream on, a stream of 1 replica made by the
/// test as the platform would): what is acknowledged is accepted (a resend too, as a duplicate the stream dropped), the
/// stream holds one message per id on the lane's subject with the id as Nats-Msg-Id, each device's events in its order;
/// what the stream refuses for good is rejected; no stream or no server means retry (an exception).
/// </summary>
[TestClass]
[TestCategory("Upstream")]
public sealed class JetStreamUpstreamTests
{
    private static readonly JetStreamUpstreamOptions Options = new() { AckTimeoutMilliseconds = 2_000 };

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task Batch_AcknowledgedEventsAccepted_OnePerIdOnTheLaneSubject_InDeviceOrder_ResendIsADuplicate()
    {
        await using var nats = await StartServerAsync();
        await using var connection = Connect(nats);
        var js = new NatsJSContext(connection);
        await CreateStreamAsync(js);
        var upstream = new JetStreamUpstream(connection, "gw-07", Options);
        // 10 devices x 20 events, alarms among telemetry, in store order (devices interleaved).
        var batch = new List<EventRecord>();
        for (var seq = 1; seq <= 20; seq++)
        {
            for (var d = 1; d <= 10; d++)
            {
                batch.Add(TestEvents.Record($"pendant-{d:0000}", seq, seq % 5 == 0 ? EventTypes.Sos : EventTypes.Heartbeat));
            }
        }

        var first = await upstream.SendAsync(batch, CancellationToken.None);
        var again = await upstream.SendAsync(batch.Take(50).ToList(), CancellationToken.None);

        CollectionAssert.AreEquivalent(batch.Select(e => e.Id).ToList(), first.Accepted.ToList());
        Assert.IsEmpty(first.Rejected);
        CollectionAssert.AreEquivalent(batch.Take(50).Select(e => e.Id).ToList(), again.Accepted.ToList(), "a resend is acknowledged as a duplicate: done for the gateway");
        Assert.AreEqual(50, upstream.Duplicates, "the stream answered the resends as duplicates");
        var messages = await ReadAllAsync(js, 200);
        Assert.HasCount(200, messages, "the stream dropped the resends");
        Assert.AreEqual(200, messages.Select(m => m.Id).Distinct().Count());
        foreach (var m in messages)
        {
            var parsed = BatchParser.Parse(m.Data, 1);
            Assert.IsTrue(parsed.Ok, parsed.Detail);
            var e = parsed.Events.Single();
            Assert.AreEqual(e.Id, m.Id, "Nats-Msg-Id is the event id");
            Assert.AreEqual("gw-07", parsed.Gateway);
            Assert.AreEqual($"eldercare.v1.events.{e.Lane}.gw-07", m.Subject, "each lane on its own subject");
        }

        foreach (var device in messages.GroupBy(m => m.Id.Split(':')[0]))
        {
            var sequences = device.Select(m => int.Parse(m.Id.Split(':')[2], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            CollectionAssert.AreEqual(Enumerable.Range(1, 20).ToList(), sequences, $"{device.Key}'s events in the stream in its order");
        }
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task EventTheStreamRefusesForGood_Rejected_TheOthersAccepted()
    {
        await using var nats = await StartServerAsync();
        await using var connection = Connect(nats);
        var js = new NatsJSContext(connection);
        await CreateStreamAsync(js, maxMessageBytes: 600);
        var upstream = new JetStreamUpstream(connection, "gw-07", Options);
        var small = TestEvents.Record("pendant-0001", 1, EventTypes.Sos);
        var large = TestEvents.Record("pendant-0002", 1, EventTypes.Sos) with { Payload = "{\"pad\":\"" + new string('x', 700) + "\"}" };
        var after = TestEvents.Record("pendant-0002", 2, EventTypes.Fall);

        var answer = await upstream.SendAsync([small, large, after], CancellationToken.None);

        CollectionAssert.AreEquivalent(new[] { small.Id, after.Id }, answer.Accepted.ToArray(), "the device's next event still goes");
        Assert.AreEqual(large.Id, answer.Rejected.Single().Id);
        StringAssert.StartsWith(answer.Rejected.Single().Reason, "jetstream_");
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task NoStreamForTheSubject_Throws_SoTheForwarderRetries()
    {
        await using var nats = await StartServerAsync();
        await using var connection = Connect(nats);
        var upstream = new JetStreamUpstream(connection, "gw-07", Options);

        var error = await Assert.ThrowsExactlyAsync<UpstreamException>(() => upstream.SendAsync([TestEvents.Record("pendant-0001", 1)], CancellationToken.None));
        StringAssert.Contains(error.Message, "acknowledged none of 1");
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task ServerGone_Throws_WithinTheAckTimeout_ThenBackAccepted()
    {
        await using var nats = await StartServerAsync();
        await using var connection = Connect(nats);
        var js = new NatsJSContext(connection);
        await CreateStreamAsync(js);
        var upstream = new JetStreamUpstream(connection, "gw-07", Options);
        Assert.HasCount(1, (await upstream.SendAsync([TestEvents.Record("pendant-0001", 1)], CancellationToken.None)).Accepted);

        await nats.KillAsync(0);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsExactlyAsync<UpstreamException>(() => upstream.SendAsync([TestEvents.Record("pendant-0001", 2)], CancellationToken.None));
        Assert.IsLessThan(Options.AckTimeoutMilliseconds + 3_000, started.ElapsedMilliseconds, "an outage is an exception within the ack timeout, not a hang");

        await nats.RestartAsync(0);
        var back = await Eventually.WaitAsync(async () =>
        {
            try
            {
                return (await upstream.SendAsync([TestEvents.Record("pendant-0001", 2)], CancellationToken.None)).Accepted.Count;
            }
            catch (UpstreamException)
            {
                return 0;
            }
        }, n => n == 1, TimeSpan.FromSeconds(30), "the restarted server (same store) acknowledging again");
        Assert.AreEqual(1, back);
        Assert.HasCount(2, await ReadAllAsync(js, 2));
    }

    internal static async Task<NatsCluster> StartServerAsync()
    {
        if (!NatsCluster.IsInstalled)
        {
            Assert.Fail("nats-server is not installed (./test.sh installs it: apt-get install -y nats-server)");
        }

        return await NatsCluster.StartAsync(1);
    }

    private static NatsConnection Connect(NatsCluster nats) => new(new NatsOpts
    {
        Url = nats.Url,
        RetryOnInitialConnect = true,
        ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
        ReconnectWaitMax = TimeSpan.FromMilliseconds(500),
        RequestTimeout = TimeSpan.FromSeconds(2),
    });

    private static async Task CreateStreamAsync(NatsJSContext js, int maxMessageBytes = -1) =>
        await js.CreateStreamAsync(new StreamConfig(JetStreamSubjects.EventsStream, [JetStreamSubjects.AllEvents])
        {
            NumReplicas = 1,
            Storage = StreamConfigStorage.File,
            DuplicateWindow = TimeSpan.FromMinutes(2),
            MaxMsgSize = maxMessageBytes,
        });

    /// <summary>The stream's messages in stream order (an ordered consumer from the start).</summary>
    private static async Task<List<(string Subject, string Id, byte[] Data)>> ReadAllAsync(NatsJSContext js, int expected)
    {
        var consumer = await js.CreateOrderedConsumerAsync(JetStreamSubjects.EventsStream);
        var result = new List<(string, string, byte[])>();
        await foreach (var message in consumer.FetchAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = expected + 10, Expires = TimeSpan.FromSeconds(2) }))
        {
            result.Add((message.Subject, message.Headers?[JetStreamSubjects.MessageIdHeader].ToString() ?? string.Empty, message.Data ?? []));
        }

        return result;
    }
}
