using System.Diagnostics;
using Eldercare.Firmware.Core.Events;
using MQTTnet;
using MQTTnet.Protocol;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// The ingest load through one relay broker (<see cref="IRelayBroker"/>): one QoS 1 subscriber on every device's events,
/// the same connections publishing the same events (QoS 1, same window) after the same warm-up rounds as the gateway's
/// run of the round; events/s from the first measured publish until the subscriber holds every event. Started and
/// stopped here, with a fresh data directory.
/// </summary>
public sealed class RelayRun(BenchSettings settings, Report report, MqttClientFactory factory)
{
    private const string SinkUser = "bench-sink";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    public async Task<RelayResult> RunAsync(IRelayBroker relay, IReadOnlyList<string> ids, long total, int warmupRounds, int round, CancellationToken cancellationToken)
    {
        var start = await relay.StartAsync(ids, SinkUser, cancellationToken).ConfigureAwait(false);
        if (start.CanRetry)
        {
            report.Note($"round {round}, {relay.Name}: start failed ({start.Unavailable}); once more");
            start = await relay.StartAsync(ids, SinkUser, cancellationToken).ConfigureAwait(false);
        }

        if (start.Broker is not { } broker)
        {
            return RelayResult.NotAvailable(start.Unavailable ?? "not started");
        }

        await using var running = broker;
        using var sink = factory.CreateMqttClient();
        var received = new HashSet<string>(StringComparer.Ordinal);
        long messages = 0;
        var warmup = (long)ids.Count * settings.IngestWarmupEventsPerDevice * warmupRounds;
        var warm = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sink.ApplicationMessageReceivedAsync += args =>
        {
            var payload = System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(args.ApplicationMessage.Payload));
            lock (received)
            {
                messages++;
                if (received.Add(payload) && received.Count == warmup)
                {
                    warm.TrySetResult();
                }

                if (received.Count == warmup + total)
                {
                    all.TrySetResult();
                }
            }

            return Task.CompletedTask;
        };
        var fleet = new Fleet("127.0.0.1", broker.Port, Fleet.Create(factory, ids.Select(id => (id, RegistryWriter.SecretOf(id))), bootEpoch: 1, relay.Protocol));
        try
        {
            await sink.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId(SinkUser).WithCredentials(SinkUser, RegistryWriter.SecretOf(SinkUser))
                .WithProtocolVersion(relay.Protocol).WithCleanStart(!relay.SubscriberSessionPersists).Build(), cancellationToken).ConfigureAwait(false);
            var subscribed = await sink.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("eldercare/v1/devices/+/events", MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken).ConfigureAwait(false);
            if (subscribed.Items.FirstOrDefault()?.ResultCode is not MqttClientSubscribeResultCode.GrantedQoS1)
            {
                return RelayResult.NotAvailable($"subscription not granted at QoS 1 ({subscribed.Items.FirstOrDefault()?.ResultCode})");
            }

            await fleet.ConnectAsync(fleet.Devices, settings.ConnectConcurrency, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            // A broker that started but refuses the bench's users (its configuration) is reported, not fatal to the bench.
            await fleet.DisconnectAsync(fleet.Devices, 200).ConfigureAwait(false);
            report.Note($"round {round}, {relay.Name}: connect failed ({exception.GetType().Name}: {exception.Message}); the broker's last output: {string.Join(" | ", broker.Process.Tail.Split('\n').TakeLast(5))}");
            return RelayResult.NotAvailable($"connect failed: {exception.Message}");
        }

        for (var i = 0; i < warmupRounds; i++)
        {
            await Task.WhenAll(fleet.Devices.Select(d => fleet.FlushAsync(d, settings.IngestWarmupEventsPerDevice, settings.Window, EventTypes.Heartbeat, cancellationToken))).ConfigureAwait(false);
        }

        if (warmup > 0)
        {
            await Task.WhenAny(warm.Task, Task.Delay(Deadline, cancellationToken)).ConfigureAwait(false);
        }

        fleet.AckLatency.Reset();
        var acknowledgedWarm = fleet.Acknowledged;
        var cpu = new CpuWindow(new() { [relay.Name] = broker.WorkerProcessId, ["generator+subscriber"] = Environment.ProcessId });
        cpu.Start();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(fleet.Devices.Select(d => fleet.FlushAsync(d, settings.IngestEventsPerDevice, settings.Window, EventTypes.Heartbeat, cancellationToken))).ConfigureAwait(false);
        var acknowledgedSeconds = watch.Elapsed.TotalSeconds;
        await Task.WhenAny(all.Task, Task.Delay(Deadline, cancellationToken)).ConfigureAwait(false);
        var endToEndSeconds = watch.Elapsed.TotalSeconds;
        cpu.Stop();
        long got;
        lock (received)
        {
            got = received.Count - warmup;
        }

        var acknowledged = fleet.Acknowledged - acknowledgedWarm;
        report.Note($"round {round}, {relay.Name} (after {warmupRounds} warm-up rounds, as the gateway): acknowledged {acknowledged}/{total} in {acknowledgedSeconds:F2} s, PUBACK p50 {fleet.AckLatency.PercentileMilliseconds(50):F1} ms, p99 {fleet.AckLatency.PercentileMilliseconds(99):F1} ms; subscriber got {got} distinct ({Interlocked.Read(ref messages)} messages) after {endToEndSeconds:F2} s; CPU: {cpu.Describe()}; failed publishes {fleet.Failed} {fleet.LastError}");
        await fleet.DisconnectAsync(fleet.Devices, 200).ConfigureAwait(false);
        await sink.DisconnectAsync().ConfigureAwait(false);
        var brokerMicroseconds = 1e6 * cpu.Used[relay.Name] / total;
        var generatorMicroseconds = 1e6 * cpu.Used["generator+subscriber"] / total;
        var busyCores = cpu.Used.Values.Sum() / Math.Max(0.001, cpu.WallSeconds);
        return got < total || acknowledged < total
            ? new RelayResult(double.NaN, $"acked {acknowledged}, subscriber {got} of {total}", null, brokerMicroseconds, generatorMicroseconds, busyCores)
            : new RelayResult(total / endToEndSeconds, null, null, brokerMicroseconds, generatorMicroseconds, busyCores);
    }
}
