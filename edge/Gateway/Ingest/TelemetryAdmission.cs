using System.Collections.Concurrent;

namespace Eldercare.Edge.Gateway.Ingest;

/// <summary>
/// Decides how a telemetry event enters the store. Alarms never come here: they go straight to the store's
/// priority queue. Telemetry from a settled connection (connected for <see cref="IngestOptions.SettledAfterSeconds"/>)
/// that sends rarely (at most one event per <see cref="IngestOptions.FastLaneIntervalMilliseconds"/>) also goes
/// straight in: that is a heartbeat, and a device waits for its PUBACK before it sends its next event, so an SOS
/// pressed right after a heartbeat must not wait for a storm. Everything else (a reconnecting device flushing its
/// outbox, a chatty device) takes one of <see cref="IngestOptions.TelemetryConcurrency"/> bulk slots and waits,
/// unacknowledged, when all are taken: the storm's backlog waits here, and its devices send nothing more meanwhile.
/// </summary>
public sealed class TelemetryAdmission
{
    private readonly SemaphoreSlim _bulkSlots;
    private readonly TimeProvider _time;
    private readonly long _settledAfterMilliseconds;
    private readonly long _fastIntervalMilliseconds;
    private readonly ConcurrentDictionary<string, DeviceState> _devices = new(StringComparer.Ordinal);
    private int _waiting;

    public TelemetryAdmission(IngestOptions options, TimeProvider time)
    {
        _bulkSlots = new SemaphoreSlim(options.TelemetryConcurrency, options.TelemetryConcurrency);
        _time = time;
        _settledAfterMilliseconds = options.SettledAfterSeconds * 1000L;
        _fastIntervalMilliseconds = options.FastLaneIntervalMilliseconds;
    }

    /// <summary>Telemetry events waiting for a bulk slot now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>A device's (new) connection was accepted: it flushes first, so it starts in the bulk lane.</summary>
    public void SessionStarted(string deviceId)
    {
        var state = _devices.GetOrAdd(deviceId, static _ => new DeviceState());
        Volatile.Write(ref state.ConnectedAt, _time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    /// <summary>
    /// True when the event may skip the bulk slots. A device never seen connecting (the external broker mode,
    /// where mosquitto holds the connections) counts as settled; the rate rule still applies to it.
    /// </summary>
    public bool TryFastLane(string deviceId)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var state = _devices.GetOrAdd(deviceId, static _ => new DeviceState());
        if (now - Volatile.Read(ref state.ConnectedAt) < _settledAfterMilliseconds)
        {
            return false;
        }

        var last = Volatile.Read(ref state.LastFastAt);
        return now - last >= _fastIntervalMilliseconds && Interlocked.CompareExchange(ref state.LastFastAt, now, last) == last;
    }

    /// <summary>Waits for a bulk slot; dispose the result to give it back.</summary>
    public ValueTask<Slot> EnterBulkAsync(CancellationToken cancellationToken)
    {
        // A free slot is taken without a state machine on the heap; only a wait needs one.
        return _bulkSlots.Wait(0, CancellationToken.None) ? ValueTask.FromResult(new Slot(_bulkSlots)) : WaitForSlotAsync(cancellationToken);
    }

    private async ValueTask<Slot> WaitForSlotAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _bulkSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        return new Slot(_bulkSlots);
    }

    public readonly struct Slot(SemaphoreSlim slots) : IDisposable
    {
        public void Dispose() => slots?.Release();
    }

    private sealed class DeviceState
    {
        public long ConnectedAt = long.MinValue / 2;
        public long LastFastAt = long.MinValue / 2;
    }
}
