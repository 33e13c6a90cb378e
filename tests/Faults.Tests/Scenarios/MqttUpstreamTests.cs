using System.Globalization;
using Eldercare.Faults.Tests.Support;
using Eldercare.TestSupport;

namespace Eldercare.Faults.Tests.Scenarios;

/// <summary>
/// Issue 16, MQTT upstream: 10,000 events from the 100-pendant fleet through the gateway (Gateway:Upstream:Kind=Mqtt)
/// into a second mosquitto acting as the platform's broker (TLS with a certificate made here, a password file, an ACL),
/// and from there into the cloud stub's consumer (QoS 1, persistent session, PUBACK after its store), while the platform
/// broker is restarted twice mid-load and the gateway is SIGKILLed once between the restarts. The same end-to-end check
/// as every fault scenario (<see cref="FleetVerifier"/>): 0 lost, 0 stored twice, every alarm there, order per device
/// and lane. The restarts are clean (SIGTERM): mosquitto writes its persistence on shutdown, so what it acknowledged
/// and still held for the consumer survives; a SIGKILL of the platform broker can lose that (docs/reliability.md).
/// </summary>
[TestClass]
[TestCategory("Upstream")]
public sealed class MqttUpstreamTests
{
    [TestMethod]
    [Timeout(240_000, CooperativeCancellation = true)]
    public async Task MqttUpstream_PlatformBrokerRestartedTwiceAndGatewayKilledMidLoad_NothingLostOrDoubledEveryAlarmThere()
    {
        if (!MosquittoProcess.IsInstalled)
        {
            Assert.Inconclusive("mosquitto is not installed (apt-get install -y mosquitto)");
        }

        await using var platform = await PlatformBroker.StartAsync();
        await using var fleet = await FleetHarness.StartAsync("16-mqtt-upstream", new FleetOptions
        {
            GatewayArgs = platform.GatewayArgs(),
            CloudArgs = platform.ConsumerArgs(),
            CloudReadyLine = "consuming eldercare/v1/platform/",
        });
        fleet.StartDevices();
        await fleet.WaitAllConnectedAsync(TimeSpan.FromSeconds(30));
        var total = fleet.TotalRaiseTarget;
        var load = fleet.RunLoadAsync();
        var restarts = new List<string>();
        string? kill = null;
        foreach (var (percent, fault) in new[] { (30, "broker"), (50, "gateway"), (65, "broker") })
        {
            await fleet.WaitForAcknowledgedAsync(total * percent / 100, TimeSpan.FromSeconds(90));
            var before = fleet.AcknowledgedCount;
            if (fault == "broker")
            {
                await platform.Mosquitto.RestartGracefullyAsync();
                restarts.Add($"acked={before}");
            }
            else
            {
                // SIGKILL while forwarding: what it had published without a PUBACK is still unmarked in its store, and
                // goes again from the next run (same id; the consumer keeps one copy).
                var pending = (await fleet.GatewayHealthAsync()).Pending;
                await fleet.KillGatewayAsync();
                kill = $"acked={before} pending={pending}";
                await fleet.StartGatewayAsync();
            }
        }

        await load;
        var drain = await fleet.WaitForDrainAsync(TimeSpan.FromSeconds(120));
        // The gateway has nothing pending once every PUBACK came; the consumer may still be storing the last messages
        // the broker holds for it: wait for the cloud to hold every acknowledged event (the verifier then says what is missing).
        var acknowledged = fleet.Acknowledged.Keys.ToHashSet(StringComparer.Ordinal);
        await Eventually.WaitAsync(async () => (await fleet.CloudEventsAsync()).Count(e => acknowledged.Contains(e.Id)), n => n >= acknowledged.Count,
            TimeSpan.FromSeconds(60), "every acknowledged event at the cloud stub");
        // Gateway receive -> stored at the stub, per alarm (restarts included): the MQTT path's share of an alarm's latency.
        var alarmMs = (await fleet.CloudEventsAsync()).Where(e => e.Lane == "alarm" && e.Dev.StartsWith("pendant-", StringComparison.Ordinal))
            .Select(e => e.CloudRx - e.Rx).Order().ToList();
        var gatewayConnects = fleet.GatewayLines.Count(l => l.Contains("connected to the platform broker", StringComparison.Ordinal));
        var consumerSubscribes = fleet.Cloud!.Lines.Count(l => l.Contains("consuming eldercare/v1/platform/", StringComparison.Ordinal));
        var figures = await FleetVerifier.VerifyAsync(fleet, drain, new Dictionary<string, string>
        {
            ["upstream"] = "mqtt (TLS, QoS 1, persistent sessions) -> mosquitto -> cloud stub consumer",
            ["platformBrokerRestarts"] = string.Join("; ", restarts),
            ["gatewaySigkill"] = kill ?? "none",
            ["gatewayConnects"] = gatewayConnects.ToString(CultureInfo.InvariantCulture),
            ["consumerSubscribes"] = consumerSubscribes.ToString(CultureInfo.InvariantCulture),
            ["gatewayRetries"] = fleet.GatewayLines.Count(l => l.Contains("forward failed", StringComparison.Ordinal)).ToString(CultureInfo.InvariantCulture),
            ["alarmGatewayToCloudMs"] = alarmMs.Count == 0 ? "none" : $"p50={alarmMs[alarmMs.Count / 2]} p99={alarmMs[Math.Min(alarmMs.Count - 1, alarmMs.Count * 99 / 100)]} max={alarmMs[^1]}",
            ["mosquittoDropLines"] = platform.Mosquitto.Process.Lines.Count(l => l.Contains("dropped", StringComparison.OrdinalIgnoreCase)).ToString(CultureInfo.InvariantCulture),
        });

        Assert.IsGreaterThanOrEqualTo(10_000, figures.Acknowledged);
        // One connect per gateway process and one after the last broker restart (the second process forwards through it);
        // the first restart can fall while the first process is between connections and is then killed (seen: 3).
        Assert.IsGreaterThanOrEqualTo(3, gatewayConnects, "the gateway connected to the platform broker in each of its runs and again after the last restart");
        Assert.AreEqual(2, fleet.GatewayStarts);
        Assert.IsGreaterThanOrEqualTo(3, consumerSubscribes, "the consumer subscribed again after each restart");
        Assert.IsFalse(fleet.GatewayLines.Any(l => l.Contains(platform.GatewayPassword, StringComparison.Ordinal)), "the gateway never logs its platform password");
        Assert.IsFalse(fleet.Cloud.Lines.Any(l => l.Contains(platform.ConsumerPassword, StringComparison.Ordinal)), "the stub never logs its broker password");
    }
}
