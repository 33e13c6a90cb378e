using System.Globalization;
using Eldercare.Faults.Tests.Support;

namespace Eldercare.Faults.Tests.Scenarios;

/// <summary>
/// Scenario 7: a tenth of the fleet runs 3 hours fast, another tenth 2 days slow. Every event is kept, the
/// gateway's receive time is recorded, and the skew is flagged (gateway metric and log, <c>skewMs</c> at the cloud).
/// </summary>
[TestClass]
[TestCategory("Faults")]
public sealed class ClockSkewTests
{
    private const long Fast = 3 * 3600_000L;
    private const long Slow = -2 * 86_400_000L;

    [TestMethod]
    [Timeout(180_000, CooperativeCancellation = true)]
    public async Task FleetLoad_WrongDeviceClocks_EventsKeptReceiveTimeRecordedSkewFlagged()
    {
        static long SkewOf(int index) => (index % 10) switch { 0 => Fast, 5 => Slow, _ => 0 };
        await using var fleet = await FleetHarness.StartAsync("7-clock-skew", new FleetOptions { ClockSkewMilliseconds = SkewOf });
        var startedUnix = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        fleet.StartDevices();
        await fleet.WaitAllConnectedAsync(TimeSpan.FromSeconds(30));
        await fleet.RunLoadAsync();
        var drain = await fleet.WaitForDrainAsync(TimeSpan.FromSeconds(90));
        var endedUnix = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var metrics = await fleet.GatewayMetricsTextAsync();

        var cloud = await fleet.CloudEventsAsync();
        var expectedSkew = Enumerable.Range(0, fleet.Devices.Count).ToDictionary(i => FleetHarness.DeviceId(i + 1), SkewOf, StringComparer.Ordinal);
        var skewed = cloud.Where(e => expectedSkew[e.Dev] != 0).ToList();
        var flaggedLine = metrics.Split('\n').First(l => l.StartsWith("gateway_clock_skew_flagged_total ", StringComparison.Ordinal));
        var figures = await FleetVerifier.VerifyAsync(fleet, drain, new Dictionary<string, string>
        {
            ["skewedDevices"] = expectedSkew.Values.Count(s => s != 0).ToString(CultureInfo.InvariantCulture),
            ["skewedEventsAtCloud"] = skewed.Count.ToString(CultureInfo.InvariantCulture),
            ["skewFlaggedAtCloud"] = cloud.Count(e => e.SkewMs is not null).ToString(CultureInfo.InvariantCulture),
            ["gatewayMetric"] = flaggedLine,
            ["skewLogLines"] = fleet.GatewayLines.Count(l => l.Contains("clock skew", StringComparison.Ordinal)).ToString(CultureInfo.InvariantCulture),
        });

        Assert.IsGreaterThan(1_000, skewed.Count);
        foreach (var e in cloud)
        {
            Assert.IsTrue(e.Rx >= startedUnix - 1000 && e.Rx <= endedUnix + 1000, $"{e.Id}: gateway receive time {e.Rx} is the real time");
            var expected = expectedSkew[e.Dev];
            if (expected == 0)
            {
                Assert.IsNull(e.SkewMs, $"{e.Id}: a correct clock is not flagged");
            }
            else
            {
                Assert.IsNotNull(e.SkewMs, $"{e.Id}: skew flagged");
                Assert.IsLessThan(60_000, Math.Abs(e.SkewMs.Value - expected), $"{e.Id}: skewMs {e.SkewMs} ~ {expected}");
                Assert.AreEqual(e.Ts - e.Rx, e.SkewMs.Value, $"{e.Id}: skewMs = ts - rx");
            }
        }

        Assert.IsGreaterThanOrEqualTo((long)skewed.Count, long.Parse(flaggedLine.Split(' ')[1], CultureInfo.InvariantCulture));
        Assert.IsTrue(fleet.GatewayLines.Any(l => l.Contains("clock skew", StringComparison.Ordinal)), "skew logged");
        Assert.IsGreaterThanOrEqualTo(10_000, figures.Acknowledged);
    }
}
