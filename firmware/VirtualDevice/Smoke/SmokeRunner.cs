using System.Diagnostics;
using Eldercare.Firmware.Core.Wellness;
using Eldercare.VirtualDevice.Adapters;
using Eldercare.VirtualDevice.Cloud;

namespace Eldercare.VirtualDevice.Smoke;

/// <summary>
/// <c>smoke</c>: runs its own community against a running gateway and cloud stub, plays every flow at once (sos, fall,
/// kiosk, geofence, wellness, offline, ack), checks each at the cloud stub (exactly once, by id, with its fields) and
/// on the devices, and prints one line per flow, <c>smoke: NAME PASS (...)</c> or <c>smoke: NAME FAIL (why)</c>.
/// Exit code 0 only when every flow passed.
/// </summary>
public sealed class SmokeRunner(SmokeOptions options, IReadOnlyList<DeviceCredentials> devices, TextWriter output, TextWriter deviceLog)
{
    /// <summary>Home of the smoke's watch (Weihai); its zone is the twin's usual 100 m circle around the walk's start.</summary>
    private const double HomeLatitude = 37.5131;
    private const double HomeLongitude = 122.1204;
    private const float ZoneRadiusMetres = 100f;
    private const int ChinaUtcOffsetMinutes = 8 * 60;

    public async Task<int> RunAsync(CancellationToken cancel)
    {
        var started = Stopwatch.StartNew();
        (int From, int Until) waking = WakingHoursAroundNow();
        var settings = new CommunitySettings(options.BrokerHost, options.BrokerPort, options.DataDirectory)
        {
            HeartbeatIntervalSeconds = options.HeartbeatIntervalSeconds,
            WellnessMinutes = options.WellnessMinutes,
            WakingHours = waking,
            GnssLog = SyntheticWalk.East(HomeLatitude, HomeLongitude, options.WalkMetresPerSecond, 120, DateTime.UtcNow),
        };

        await using var community = new Community(settings, devices, deviceLog);
        using var cloud = new CloudStubClient(options.CloudUrl);
        community.StartAll();
        if (!await community.WaitAllConnectedAsync(TimeSpan.FromSeconds(30), cancel))
        {
            output.WriteLine("smoke: FAIL (not every device connected to the gateway within 30 s)");
            return 1;
        }

        var context = new SmokeContext(community, cloud, DateTime.UtcNow + options.Timeout, TimeSpan.FromSeconds(1.5));
        ISmokeFlow[] flows = Flows(new SmokeCast(devices), new WakingHours(waking.From, waking.Until, ChinaUtcOffsetMinutes));
        output.WriteLine($"smoke: {community.Count} devices connected; running {flows.Length} flows at once (wellness {options.WellnessMinutes} min, waking hours {FormatMinute(waking.From)}-{FormatMinute(waking.Until)} China time)");
        output.Flush();
        (string Name, string? Failure, string Detail)[] results = await Task.WhenAll(flows.Select(f => PlayAsync(f, context, cancel)));
        foreach ((string name, string? failure, string detail) in results)
        {
            output.WriteLine(failure is null ? $"smoke: {name} PASS ({detail})" : $"smoke: {name} FAIL ({failure})");
        }

        int passed = results.Count(r => r.Failure is null);
        output.WriteLine($"smoke: {passed} of {results.Length} flows passed in {started.Elapsed.TotalSeconds:0} s");
        output.Flush();
        return passed == results.Length ? 0 : 1;
    }

    private ISmokeFlow[] Flows(SmokeCast cast, WakingHours waking) =>
    [
        cast.Sos is { } sos ? new SosFlow(sos) : new UnplayableFlow("sos", SmokeCast.Missing("pendant 1")),
        cast.Fall is { } fall ? new FallFlow(fall) : new UnplayableFlow("fall", SmokeCast.Missing("pendant 2")),
        cast.Kiosk is { } kiosk ? new KioskFlow(kiosk, options.CardUid) : new UnplayableFlow("kiosk", SmokeCast.Missing("kiosk")),
        cast.Watch is { } watch ? new GeofenceFlow(watch, HomeLatitude, HomeLongitude, ZoneRadiusMetres) : new UnplayableFlow("geofence", SmokeCast.Missing("watch")),
        cast.Wellness is { } quiet ? new WellnessFlow(quiet, waking) : new UnplayableFlow("wellness", SmokeCast.Missing("pendant 4")),
        cast.Offline is { } offline ? new OfflineFlow(offline, options.GatewayId) : new UnplayableFlow("offline", SmokeCast.Missing("pendant 5")),
        cast.Ack is { } ack ? new AckFlow(ack) : new UnplayableFlow("ack", SmokeCast.Missing("pendant 3")),
    ];

    private static async Task<(string Name, string? Failure, string Detail)> PlayAsync(ISmokeFlow flow, SmokeContext context, CancellationToken cancel)
    {
        try
        {
            return (flow.Name, null, await flow.RunAsync(context, cancel));
        }
        catch (SmokeFailure failure)
        {
            return (flow.Name, failure.Message, string.Empty);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return (flow.Name, $"cloud stub at {context.Cloud.BaseUrl}: {ex.GetBaseException().Message}", string.Empty);
        }
    }

    /// <summary>Two hours of waking time around now (China time), so a wellness alarm must land inside them to pass.</summary>
    private static (int From, int Until) WakingHoursAroundNow()
    {
        int now = WakingHours.LocalMinuteOfDay(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ChinaUtcOffsetMinutes);
        return ((now + WellnessOptions.MinutesPerDay - 60) % WellnessOptions.MinutesPerDay, (now + 60) % WellnessOptions.MinutesPerDay);
    }

    private static string FormatMinute(int minute) => $"{minute / 60:D2}:{minute % 60:D2}";
}
