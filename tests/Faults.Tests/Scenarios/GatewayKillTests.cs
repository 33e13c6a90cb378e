using Eldercare.Faults.Tests.Support;

namespace Eldercare.Faults.Tests.Scenarios;

/// <summary>Scenario 1: the gateway is SIGKILLed at random moments of a fleet run and restarted each time.</summary>
[TestClass]
[TestCategory("Faults")]
public sealed class GatewayKillTests
{
    [TestMethod]
    [Timeout(180_000, CooperativeCancellation = true)]
    public async Task FleetLoad_GatewaySigkilledThreeTimes_EveryAcknowledgedEventAtCloudOnceInOrder()
    {
        await using var fleet = await FleetHarness.StartAsync("1-gateway-sigkill", new FleetOptions());
        fleet.StartDevices();
        await fleet.WaitAllConnectedAsync(TimeSpan.FromSeconds(30));
        // Kill points: random acknowledged counts between 10% and 85% of the load, plus a random extra moment.
        var total = fleet.TotalRaiseTarget;
        var killAt = Enumerable.Range(0, 3).Select(_ => fleet.Random.Next(total / 10, total * 85 / 100)).Order().ToList();

        var load = fleet.RunLoadAsync();
        var kills = new List<string>();
        foreach (var threshold in killAt)
        {
            await fleet.WaitForAcknowledgedAsync(threshold, TimeSpan.FromSeconds(90));
            await Task.Delay(fleet.Random.Next(0, 150)); // a random moment, not a synchronisation
            var pendingBefore = (await fleet.GatewayHealthAsync()).Pending;
            await fleet.KillGatewayAsync();
            kills.Add($"acked={fleet.AcknowledgedCount} pending={pendingBefore}");
            await fleet.StartGatewayAsync();
        }

        await load;
        var loadDone = fleet.ElapsedMilliseconds;
        var drain = await fleet.WaitForDrainAsync(TimeSpan.FromSeconds(90));

        var figures = await FleetVerifier.VerifyAsync(fleet, drain, new Dictionary<string, string>
        {
            ["kills"] = kills.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["killPoints"] = string.Join("; ", kills),
            ["gatewayStarts"] = fleet.GatewayStarts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["loadMs"] = loadDone.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        Assert.IsGreaterThanOrEqualTo(10_000, figures.Acknowledged);
        Assert.AreEqual(4, fleet.GatewayStarts);
    }
}
