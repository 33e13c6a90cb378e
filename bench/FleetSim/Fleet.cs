using System.Diagnostics;
using Eldercare.Firmware.Core.Events;
using MQTTnet;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// N devices and what they do together: connect with bounded concurrency, heartbeat at an interval
/// (spread evenly, one scheduler loop for the whole fleet), flush outbox bursts with a window of
/// in-flight publishes per device, raise alarms on demand. Every publish's send time is kept: PUBACK
/// latency goes to <see cref="AckLatency"/>, alarms' send times to <see cref="AlarmSendTimes"/>.
/// </summary>
public sealed class Fleet
{
    private readonly string _host;
    private readonly int _port;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly long _unixMillisecondsAtStart = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    private long _published;
    private long _acknowledged;
    private long _failed;
    private long _abandoned;
    private readonly long[] _failedByKind = new long[3];
    private readonly string[] _lastErrorByKind = [string.Empty, string.Empty, string.Empty];

    public Fleet(string host, int port, IReadOnlyList<SimDevice> devices)
    {
        _host = host;
        _port = port;
        Devices = devices;
    }

    public IReadOnlyList<SimDevice> Devices { get; }

    public LatencyRecorder AckLatency { get; } = new();

    public LatencyRecorder HeartbeatAckLatency { get; } = new();

    /// <summary>Alarm id -> send time (Unix ms, fractional), for publish -> cloud latency.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, double> AlarmSendTimes { get; } = new(StringComparer.Ordinal);

    public long Published => Interlocked.Read(ref _published);

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public long Failed => Interlocked.Read(ref _failed);

    public string LastError { get; private set; } = string.Empty;

    /// <summary>
    /// Failed publishes by what they were, e.g. "burst 0, heartbeat 36 (bench-00389: The operation has timed out.),
    /// alarm 0": a heartbeat sent to a device the storm was dropping fails with it, a burst or alarm event failing
    /// would be an event the device still has to send.
    /// </summary>
    public string FailuresByKind() => string.Join(", ", Enum.GetValues<PublishKind>().Select(kind =>
    {
        var count = Interlocked.Read(ref _failedByKind[(int)kind]);
        return count == 0 ? $"{kind.ToString().ToLowerInvariant()} 0" : $"{kind.ToString().ToLowerInvariant()} {count} ({Volatile.Read(ref _lastErrorByKind[(int)kind])})";
    }));

    /// <summary>Publishes still waiting for their PUBACK when their phase was cancelled (outcome unknown, not failed).</summary>
    public long Abandoned => Interlocked.Read(ref _abandoned);

    /// <summary>Unix time in fractional milliseconds from a monotonic clock (no wall-clock jumps during a run).</summary>
    public double NowUnixMilliseconds => _unixMillisecondsAtStart + _clock.Elapsed.TotalMilliseconds;

    public static IReadOnlyList<SimDevice> Create(MqttClientFactory factory, IEnumerable<(string Id, string Secret)> credentials, int bootEpoch,
        MQTTnet.Formatter.MqttProtocolVersion protocol = MQTTnet.Formatter.MqttProtocolVersion.V500) =>
        credentials.Select(c => new SimDevice(factory, c.Id, c.Secret, bootEpoch, protocol)).ToList();

    public Task ConnectAsync(IEnumerable<SimDevice> devices, int concurrency, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (device, ct) => await device.ConnectAsync(_host, _port, ct).ConfigureAwait(false));

    public Task DisconnectAsync(IEnumerable<SimDevice> devices, int concurrency) =>
        Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (device, _) => await device.DisconnectAsync().ConfigureAwait(false));

    /// <summary>Publishes <paramref name="count"/> events of <paramref name="type"/> from one device, at most <paramref name="window"/> in flight.</summary>
    public async Task FlushAsync(SimDevice device, int count, int window, string type, CancellationToken cancellationToken)
    {
        if (window <= 1)
        {
            for (var i = 0; i < count; i++)
            {
                await PublishOneAsync(device, type, PublishKind.Burst, AckLatency, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var inFlight = new List<Task>(window);
        for (var i = 0; i < count; i++)
        {
            if (inFlight.Count == window)
            {
                var done = await Task.WhenAny(inFlight).ConfigureAwait(false);
                inFlight.Remove(done);
                await done.ConfigureAwait(false);
            }

            inFlight.Add(PublishOneAsync(device, type, PublishKind.Burst, AckLatency, cancellationToken));
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
    }

    /// <summary>Reconnects each device (bounded concurrency) and flushes its outbox right after its CONNACK.</summary>
    public Task ReconnectAndFlushAsync(IEnumerable<SimDevice> devices, int concurrency, int eventsPerDevice, int window, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (device, ct) =>
            {
                await device.ConnectAsync(_host, _port, ct).ConfigureAwait(false);
                // The flush runs on its own so the next connect starts: a storm, not a queue.
                _ = FlushTrackedAsync(device, eventsPerDevice, window, ct);
            });

    /// <summary>Completes when every flush started by <see cref="ReconnectAndFlushAsync"/> is acknowledged.</summary>
    public async Task WaitForFlushesAsync(CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _flushesRunning) > 0)
        {
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    private int _flushesRunning;

    private async Task FlushTrackedAsync(SimDevice device, int count, int window, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _flushesRunning);
        try
        {
            await FlushAsync(device, count, window, EventTypes.Heartbeat, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LastError = $"{device.Id}: {exception.Message}";
        }
        finally
        {
            Interlocked.Decrement(ref _flushesRunning);
        }
    }

    /// <summary>Every connected device sends one heartbeat per <paramref name="interval"/>, spread evenly; runs until cancelled.</summary>
    public async Task HeartbeatAsync(IReadOnlyList<SimDevice> devices, TimeSpan interval, CancellationToken cancellationToken)
    {
        if (devices.Count == 0)
        {
            return;
        }

        var started = _clock.Elapsed;
        long sent = 0;
        var next = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var due = (long)((_clock.Elapsed - started).TotalMilliseconds * devices.Count / interval.TotalMilliseconds);
                for (; sent < due; sent++)
                {
                    var device = devices[next];
                    next = (next + 1) % devices.Count;
                    if (device.IsConnected)
                    {
                        _ = PublishOneAsync(device, EventTypes.Heartbeat, PublishKind.Heartbeat, HeartbeatAckLatency, cancellationToken);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Alarms at <paramref name="perSecond"/> from <paramref name="devices"/> in turn until cancelled. They are raised
    /// on a thread of their own at normal priority (<see cref="SimulatorPriority"/> keeps the rest of the simulator at
    /// nice 10): each alarm device stands for a separate pendant, so its publish must not wait for the simulator's
    /// other 10,000 devices. The publish is written on that thread (MQTTnet writes synchronously when the socket
    /// takes it); only the PUBACK is handled elsewhere.
    /// </summary>
    /// <param name="maxAlarms">Stops after this many (the acknowledgement scenario: one alarm per listening device).</param>
    public Task AlarmsAsync(IReadOnlyList<SimDevice> devices, double perSecond, CancellationToken cancellationToken, long maxAlarms = long.MaxValue)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            var started = _clock.Elapsed;
            long sent = 0;
            var next = 0;
            while (sent < maxAlarms && !cancellationToken.WaitHandle.WaitOne(5))
            {
                var due = Math.Min(maxAlarms, (long)((_clock.Elapsed - started).TotalSeconds * perSecond));
                for (; sent < due; sent++)
                {
                    var device = devices[next];
                    next = (next + 1) % devices.Count;
                    _ = RaiseAlarmAsync(device, cancellationToken);
                }
            }

            done.TrySetResult();
        })
        {
            IsBackground = true,
            Name = SimulatorPriority.NormalPriorityThreadName,
        };
        SimulatorPriority.OnLauncher(() =>
        {
            // Created from the launcher (nice 0), so the new thread starts at nice 0 too.
            thread.Start();
            return true;
        });
        return done.Task;
    }

    /// <summary>One SOS; its send time is kept for the publish -> cloud latency.</summary>
    public async Task RaiseAlarmAsync(SimDevice device, CancellationToken cancellationToken)
    {
        var now = NowUnixMilliseconds;
        var payload = device.NextEvent(EventTypes.Sos, (long)now, out var id);
        AlarmSendTimes[id] = now;
        await SendAsync(device, payload, now, PublishKind.Alarm, AckLatency, cancellationToken).ConfigureAwait(false);
    }

    private Task PublishOneAsync(SimDevice device, string type, PublishKind kind, LatencyRecorder latency, CancellationToken cancellationToken)
    {
        var now = NowUnixMilliseconds;
        var payload = device.NextEvent(type, (long)now, out _);
        return SendAsync(device, payload, now, kind, latency, cancellationToken);
    }

    private async Task SendAsync(SimDevice device, byte[] payload, double sentAt, PublishKind kind, LatencyRecorder latency, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _published);
        try
        {
            if (await device.PublishAsync(payload, cancellationToken).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _acknowledged);
                latency.RecordMilliseconds(NowUnixMilliseconds - sentAt);
                return;
            }

            LastError = $"{device.Id}: PUBACK not success";
            Volatile.Write(ref _lastErrorByKind[(int)kind], LastError);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The phase ended while this publish waited for its PUBACK (MQTTnet reports that as a cancellation or
            // as "The operation has timed out."): its outcome is unknown here, not a failure. For an alarm the
            // stub's count says whether it arrived.
            Interlocked.Increment(ref _abandoned);
            return;
        }
        catch (Exception exception)
        {
            LastError = $"{device.Id}: {exception.Message}";
            Volatile.Write(ref _lastErrorByKind[(int)kind], LastError);
        }

        Interlocked.Increment(ref _failed);
        Interlocked.Increment(ref _failedByKind[(int)kind]);
    }
}

/// <summary>What a simulated publish was, for counting failures apart.</summary>
public enum PublishKind
{
    Burst,
    Heartbeat,
    Alarm,
}
