using System.Globalization;
using Eldercare.Faults.Tests.Support;

namespace Eldercare.Faults.Tests.Scenarios;

/// <summary>
/// Scenario 2: external-broker mode, a real mosquitto restarted twice mid-stream. Devices and the gateway
/// reconnect by themselves; what mosquitto acknowledged to a device reaches the cloud once, in order.
/// The restart is a clean one (SIGTERM): mosquitto persists queued messages only on shutdown or every
/// <c>autosave_interval</c>, so a SIGKILL of the broker can lose what it acknowledged (edge/README.md,
/// "External broker ... a trade-off"); the embedded default does not have that gap (scenario 1).
/// </summary>
[TestClass]
[TestCategory("Faults")]
public sealed class BrokerRestartTests
{
    [TestMethod]
    [Timeout(180_000, CooperativeCancellation = true)]
    public async Task ExternalMosquitto_RestartedTwiceMidStream_DevicesAndGatewayReconnectNothingLostOrDoubled()
    {
        await using var fleet = await FleetHarness.StartAsync("2-mosquitto-restart", new FleetOptions { ExternalMosquitto = true });
        fleet.StartDevices();
        await fleet.WaitAllConnectedAsync(TimeSpan.FromSeconds(30));
        var total = fleet.TotalRaiseTarget;
        var load = fleet.RunLoadAsync();
        var restarts = new List<string>();
        foreach (var percent in new[] { 30, 65 })
        {
            await fleet.WaitForAcknowledgedAsync(total * percent / 100, TimeSpan.FromSeconds(90));
            var before = fleet.AcknowledgedCount;
            await fleet.Mosquitto!.RestartGracefullyAsync();
            await fleet.WaitAllConnectedAsync(TimeSpan.FromSeconds(30));
            restarts.Add($"acked={before}");
        }

        await load;
        var drain = await fleet.WaitForDrainAsync(TimeSpan.FromSeconds(90));
        var resubscribed = fleet.GatewayLines.Count(l => l.Contains("subscribed to", StringComparison.Ordinal));
        var figures = await FleetVerifier.VerifyAsync(fleet, drain, new Dictionary<string, string>
        {
            ["brokerRestarts"] = string.Join("; ", restarts),
            ["gatewaySubscribes"] = resubscribed.ToString(CultureInfo.InvariantCulture),
            ["mosquittoDropLines"] = fleet.Mosquitto!.Process.Lines.Count(l => l.Contains("dropped", StringComparison.OrdinalIgnoreCase)).ToString(CultureInfo.InvariantCulture),
        });

        Assert.IsGreaterThanOrEqualTo(10_000, figures.Acknowledged);
        Assert.IsGreaterThanOrEqualTo(3, resubscribed, "the gateway reconnected and subscribed again after each restart");
    }
}
