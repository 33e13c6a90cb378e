using System.Globalization;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Faults.Tests.Support;
using Eldercare.TestSupport;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Eldercare.Faults.Tests.Scenarios;

/// <summary>
/// Upstream U1 (issue 16): a 100-device fleet's 10,000 events through the gateway into a 3-node NATS JetStream cluster
/// (the events stream with 3 replicas), consumed by the cloud stub's durable pull consumers, while the node leading the
/// stream is SIGKILLed and started again and the gateway is SIGKILLed once: every acknowledged event stored once at the stub, every
/// alarm there, each device's lane in order (docs/reliability.md "Upstream").
/// </summary>
[TestClass]
[TestCategory("Upstream")]
public sealed class JetStreamUpstreamTests
{
    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task FleetIntoThreeNodeCluster_NodeKilledAndRestarted_GatewaySigkilled_EveryEventStoredOnceAlarmsAllThere()
    {
        if (!NatsCluster.IsInstalled)
        {
            Assert.Fail("nats-server is not installed (./test.sh installs it: apt-get install -y nats-server)");
        }

        await using var nats = await NatsCluster.StartAsync(3);
        await using var fleet = await FleetHarness.StartAsync("u1-jetstream-cluster", new FleetOptions
        {
            CloudArgs = [$"--CloudStub:JetStream:Url={nats.Url}", "--CloudStub:JetStream:Replicas=3"],
            GatewayArgs = ["--Gateway:Upstream:Kind=JetStream", $"--Gateway:Upstream:JetStream:Url={nats.Url}"],
        });
        fleet.StartDevices();
        await fleet.WaitAllConnectedAsync(TimeSpan.FromSeconds(30));
        var total = fleet.TotalRaiseTarget;
        var steps = new List<string>();
        await using var client = new NatsConnection(new NatsOpts { Url = nats.Url, RetryOnInitialConnect = true });
        var js = new NatsJSContext(client);

        var load = fleet.RunLoadAsync();
        await fleet.WaitForAcknowledgedAsync(total * 20 / 100, TimeSpan.FromSeconds(90));
        // The node leading the events stream: its death forces an election while the gateway publishes and the stub consumes.
        var leader = (await js.GetStreamAsync(JetStreamSubjects.EventsStream)).Info.Cluster?.Leader ?? "n1";
        var node = int.Parse(leader.AsSpan(1), CultureInfo.InvariantCulture) - 1;
        await nats.KillAsync(node);
        steps.Add($"node n{node + 1} (the stream's leader) killed at acked={fleet.AcknowledgedCount}");
        await fleet.WaitForAcknowledgedAsync(total * 40 / 100, TimeSpan.FromSeconds(90));
        await nats.RestartAsync(node);
        steps.Add($"node n{node + 1} restarted at acked={fleet.AcknowledgedCount}");
        await fleet.WaitForAcknowledgedAsync(total * 60 / 100, TimeSpan.FromSeconds(90));
        var pendingBefore = (await fleet.GatewayHealthAsync()).Pending;
        await fleet.KillGatewayAsync();
        steps.Add($"gateway SIGKILLed at acked={fleet.AcknowledgedCount} pending={pendingBefore}");
        await fleet.StartGatewayAsync();

        await load;
        var loadDone = fleet.ElapsedMilliseconds;
        var drain = await fleet.WaitForDrainAsync(TimeSpan.FromSeconds(120));
        // The gateway's pending 0 means the cluster acknowledged everything; the stub's consumers may still be storing.
        var acknowledged = fleet.AcknowledgedCount;
        var consumed = await Eventually.WaitAsync(fleet.CloudPendantEventCountAsync, n => n >= acknowledged, TimeSpan.FromSeconds(60),
            $"the stub's consumers storing the {acknowledged} acknowledged events");
        var consumerLag = fleet.ElapsedMilliseconds - loadDone - drain;
        // The stream itself: one message per event. The gateway republishes what was in flight at its kill (and any
        // batch whose acknowledgement it lost); Nats-Msg-Id made the stream drop those copies.
        var stream = await js.GetStreamAsync(JetStreamSubjects.EventsStream);
        var streamMessages = stream.Info.State.Messages;
        var cloudEvents = await fleet.CloudEventsAsync();
        var cloudTotal = cloudEvents.Count;
        // Gateway receipt -> stored at the stub through the cluster, per alarm (one host clock), over the whole run.
        var alarmLatencies = cloudEvents.Where(e => e.Lane == "alarm").Select(e => e.CloudRx - e.Rx).Order().ToList();
        string Percentile(double p) => alarmLatencies.Count == 0 ? "-" : alarmLatencies[Math.Min(alarmLatencies.Count - 1, (int)(p * alarmLatencies.Count))].ToString(CultureInfo.InvariantCulture);
        var droppedByStream = fleet.GatewayLines.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"jetstream: (\d+) of \d+ events already in the stream"))
            .Where(m => m.Success).Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));

        var figures = await FleetVerifier.VerifyAsync(fleet, drain, new Dictionary<string, string>
        {
            ["upstream"] = "jetstream, 3 nodes, replicas 3",
            ["steps"] = string.Join("; ", steps),
            ["gatewayStarts"] = fleet.GatewayStarts.ToString(CultureInfo.InvariantCulture),
            ["loadMs"] = loadDone.ToString(CultureInfo.InvariantCulture),
            ["consumerCatchUpMs"] = consumerLag.ToString(CultureInfo.InvariantCulture),
            ["storedAtStub"] = consumed.ToString(CultureInfo.InvariantCulture),
            ["streamMessages"] = streamMessages.ToString(CultureInfo.InvariantCulture),
            ["resendsDroppedByStream"] = droppedByStream.ToString(CultureInfo.InvariantCulture),
            ["stubStoredAllDevices"] = cloudTotal.ToString(CultureInfo.InvariantCulture),
            ["alarmRxToStubMs"] = $"p50 {Percentile(0.5)}, p99 {Percentile(0.99)}, max {Percentile(1)}",
        });
        Assert.AreEqual(cloudTotal, (int)streamMessages, "the stream holds each event once (resends dropped by Nats-Msg-Id)");
        Assert.IsGreaterThanOrEqualTo(10_000, figures.Acknowledged);
        Assert.IsGreaterThan(0, figures.AlarmsAtCloud);
        Assert.AreEqual(2, fleet.GatewayStarts);
    }
}
