using System.Diagnostics;
using Eldercare.Firmware.Core.Events;
using MQTTnet;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// Upstream outage: the cloud stub answers 500 (fault mode fail) while devices deliver
/// <see cref="BenchSettings.DrainEvents"/> telemetry events into the gateway, then a few SOS alarms.
/// The stub comes back at T0: <c>drain_100k_s</c> = T0 until the stub holds everything,
/// <c>first_alarm_after_reconnect_ms</c> = T0 until the first alarm's cloud receive time.
/// Afterwards the gateway is stopped and its files measured: <c>store_bytes_per_event</c>.
/// </summary>
public sealed class DrainScenario(BenchEnvironment environment, BenchSettings settings, Report report, MqttClientFactory factory)
{
    private const int Alarms = 5;

    public async Task RunAsync(IReadOnlyList<string> deviceIds, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var (stub, stubUrl) = await environment.StartStubAsync(environment.NewDirectory("drain-stub")).ConfigureAwait(false);
        await using var stubProcess = stub;
        await BenchEnvironment.SetFaultAsync(http, stubUrl, "fail").ConfigureAwait(false);
        var gatewayData = environment.NewDirectory("drain-gateway");
        var (gateway, mqttPort, gatewayUrl) = await environment.StartGatewayAsync(gatewayData, stubUrl).ConfigureAwait(false);
        await using var gatewayProcess = gateway;
        var fleet = new Fleet("127.0.0.1", mqttPort, Fleet.Create(factory, deviceIds.Take(settings.DrainDevices).Select(id => (id, RegistryWriter.SecretOf(id))), bootEpoch: 1));
        await fleet.ConnectAsync(fleet.Devices, settings.ConnectConcurrency, cancellationToken).ConfigureAwait(false);
        var perDevice = settings.DrainEvents / fleet.Devices.Count;
        var fill = Stopwatch.StartNew();
        await Task.WhenAll(fleet.Devices.Select(d => fleet.FlushAsync(d, perDevice, settings.Window, EventTypes.Heartbeat, cancellationToken))).ConfigureAwait(false);
        var fillSeconds = fill.Elapsed.TotalSeconds;
        for (var i = 0; i < Alarms; i++)
        {
            await fleet.RaiseAlarmAsync(fleet.Devices[i], cancellationToken).ConfigureAwait(false);
        }

        var total = (long)perDevice * fleet.Devices.Count + Alarms;
        var pending = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_pending_events").ConfigureAwait(false);
        var failuresBefore = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_forward_failures_total").ConfigureAwait(false);

        var returnedAt = fleet.NowUnixMilliseconds;
        var drain = Stopwatch.StartNew();
        await BenchEnvironment.SetFaultAsync(http, stubUrl, "none").ConfigureAwait(false);
        double forwarded = 0;
        while (drain.Elapsed < TimeSpan.FromSeconds(120) && (forwarded = await BenchEnvironment.GatewayMetricAsync(http, gatewayUrl, "gateway_forwarded_total").ConfigureAwait(false)) < total)
        {
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        var drainSeconds = drain.Elapsed.TotalSeconds;
        var atStub = await BenchEnvironment.StubEventCountAsync(http, stubUrl).ConfigureAwait(false);
        var alarms = await BenchEnvironment.GetJsonAsync(http, stubUrl + "/api/v1/events?type=sos").ConfigureAwait(false);
        var firstAlarm = alarms.EnumerateArray().Select(e => e.GetProperty("cloudRx").GetInt64()).DefaultIfEmpty(long.MaxValue).Min();
        var firstAlarmMilliseconds = firstAlarm == long.MaxValue ? double.NaN : Math.Max(0, firstAlarm - returnedAt);
        report.Note($"drain: {total} events buffered in {fillSeconds:F1} s while the stub failed (pending {pending}, {failuresBefore} failed forward attempts); after its return the stub held {atStub}/{total} in {drainSeconds:F2} s ({atStub / drainSeconds:F0} events/s); first alarm {firstAlarmMilliseconds:F0} ms after the return");
        report.Add("drain_100k_s", atStub >= total ? drainSeconds : double.NaN, $"{total} events buffered during the outage{(settings.IsQuick ? " (--quick: not 100k)" : string.Empty)}");
        report.Add("first_alarm_after_reconnect_ms", firstAlarmMilliseconds, "upstream back -> first SOS stored at the stub (cloudRx)");

        await fleet.DisconnectAsync(fleet.Devices, 200).ConfigureAwait(false);
        await gateway.StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var bytes = Directory.EnumerateFiles(gatewayData).Sum(f => new FileInfo(f).Length);
        report.Add("store_bytes_per_event", (double)bytes / total, $"{bytes} bytes in {gatewayData} after a clean stop / {total} events (rows kept after forwarding)");
    }
}
