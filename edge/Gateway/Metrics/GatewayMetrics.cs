using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Eldercare.Edge.Gateway.Metrics;

/// <summary>
/// The gateway's counters, lock-free, exposed as Prometheus text on /metrics. Hand-written
/// exposition: a dozen counters do not justify a metrics library on the hot path.
/// </summary>
public sealed class GatewayMetrics
{
    private readonly ConcurrentDictionary<string, StrongBox> _rejected = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StrongBox> _deviceFaults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StrongBox> _downlinksRejected = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StrongBox> _downlinksDiscarded = new(StringComparer.Ordinal);
    private long _downlinksQueuedTotal;
    private long _downlinksDelivered;
    private long _downlinksRedelivered;
    private long _downlinksAcknowledged;
    private long _received;
    private long _stored;
    private long _duplicates;
    private long _forwarded;
    private long _forwardFailures;
    private long _upstreamRejected;
    private long _storeFailures;
    private long _connectionsAccepted;
    private long _alarmsExpressed;

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Events stored (new ids, devices' and the gateway's own), by lane and type: the "in" of events in and out.</summary>
    public LaneTypeCounters EventsIn { get; } = new();

    public long Stored => Interlocked.Read(ref _stored);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Forwarded => Interlocked.Read(ref _forwarded);

    public long ForwardFailures => Interlocked.Read(ref _forwardFailures);

    public long UpstreamRejected => Interlocked.Read(ref _upstreamRejected);

    public long StoreFailures => Interlocked.Read(ref _storeFailures);

    public long ConnectionsAccepted => Interlocked.Read(ref _connectionsAccepted);

    /// <summary>Alarms the upstream confirmed through the express path (posted while the store committed them).</summary>
    public long AlarmsExpressed => Interlocked.Read(ref _alarmsExpressed);

    /// <summary>How often an alarm stream's express path closed (failed or partial POST, full queue), read at scrape time.</summary>
    public Func<long> AlarmExpressClosures { get; set; } = () => 0;

    /// <summary>Gauges read at scrape time (queue depth, pending events).</summary>
    public Func<long> QueueDepth { get; set; } = () => 0;

    public Func<long> Pending { get; set; } = () => 0;

    /// <summary>Telemetry events received and waiting for an ingest slot (not acknowledged yet).</summary>
    public Func<long> TelemetryWaiting { get; set; } = () => 0;

    /// <summary>Devices logged in on the embedded broker's lean listener now (0 in the other modes).</summary>
    public Func<long> DevicesConnected { get; set; } = () => 0;

    /// <summary>Downlinks queued and not yet acknowledged, over all devices (embedded broker's sessions).</summary>
    public Func<long> DownlinksQueued { get; set; } = () => 0;

    /// <summary>MQTT sessions the embedded broker holds (connected devices and persistent sessions of absent ones).</summary>
    public Func<long> SessionsHeld { get; set; } = () => 0;

    public long DownlinksQueuedTotal => Interlocked.Read(ref _downlinksQueuedTotal);

    public long DownlinksDelivered => Interlocked.Read(ref _downlinksDelivered);

    public long DownlinksRedelivered => Interlocked.Read(ref _downlinksRedelivered);

    public long DownlinksAcknowledged => Interlocked.Read(ref _downlinksAcknowledged);

    public void CountDownlinkQueued() => Interlocked.Increment(ref _downlinksQueuedTotal);

    /// <summary>A downlink sent for the first time.</summary>
    public void CountDownlinkDelivered() => Interlocked.Increment(ref _downlinksDelivered);

    /// <summary>A downlink sent again (DUP) after the connection it was in flight on closed.</summary>
    public void CountDownlinkRedelivered() => Interlocked.Increment(ref _downlinksRedelivered);

    public void CountDownlinkAcknowledged() => Interlocked.Increment(ref _downlinksAcknowledged);

    /// <summary>A downlink refused at enqueue (<c>unknown_device</c>, <c>no_session</c>, <c>queue_full</c>, <c>too_large</c>): nothing queued.</summary>
    public void CountDownlinkRejected(string reason) => Interlocked.Increment(ref _downlinksRejected.GetOrAdd(reason, _ => new StrongBox()).Value);

    /// <summary>Queued downlinks dropped with their session (<c>clean_session</c>, <c>session_ended</c>, <c>session_expired</c>).</summary>
    public void CountDownlinksDiscarded(string reason, int count) => Interlocked.Add(ref _downlinksDiscarded.GetOrAdd(reason, _ => new StrongBox()).Value, count);

    public long DownlinksRejected(string reason) => _downlinksRejected.TryGetValue(reason, out var box) ? Interlocked.Read(ref box.Value) : 0;

    public long DownlinksDiscarded(string reason) => _downlinksDiscarded.TryGetValue(reason, out var box) ? Interlocked.Read(ref box.Value) : 0;

    private readonly ConcurrentDictionary<string, StrongBox> _acknowledgementsRefused = new(StringComparer.Ordinal);
    private long _acknowledgementsReceived;
    private long _acknowledgementsQueued;
    private long _acknowledgementPollFailures;
    private readonly ConcurrentDictionary<string, StrongBox> _configurationsRefused = new(StringComparer.Ordinal);
    private long _configurationsQueued;

    public long AcknowledgementsReceived => Interlocked.Read(ref _acknowledgementsReceived);

    public long AcknowledgementsQueued => Interlocked.Read(ref _acknowledgementsQueued);

    public long AcknowledgementPollFailures => Interlocked.Read(ref _acknowledgementPollFailures);

    /// <summary>An acknowledgement read from the platform (AcknowledgementPuller).</summary>
    public void CountAcknowledgementReceived() => Interlocked.Increment(ref _acknowledgementsReceived);

    /// <summary>An acknowledgement queued as an <c>ack</c> downlink for its device.</summary>
    public void CountAcknowledgementQueued() => Interlocked.Increment(ref _acknowledgementsQueued);

    /// <summary>An acknowledgement not sent to its device, by reason (<c>other_gateway</c>, <c>bad_ack</c>, a downlink outcome).</summary>
    public void CountAcknowledgementRefused(string reason) => Interlocked.Increment(ref _acknowledgementsRefused.GetOrAdd(reason, _ => new StrongBox()).Value);

    public long AcknowledgementsRefused(string reason) => _acknowledgementsRefused.TryGetValue(reason, out var box) ? Interlocked.Read(ref box.Value) : 0;

    public void CountAcknowledgementPollFailure() => Interlocked.Increment(ref _acknowledgementPollFailures);

    public long ConfigurationsQueued => Interlocked.Read(ref _configurationsQueued);

    /// <summary>A configuration from the platform queued as a config downlink for its device (AcknowledgementPuller).</summary>
    public void CountConfigurationQueued() => Interlocked.Increment(ref _configurationsQueued);

    /// <summary>A configuration from the platform not sent to its device, by reason.</summary>
    public void CountConfigurationRefused(string reason) => Interlocked.Increment(ref _configurationsRefused.GetOrAdd(reason, _ => new StrongBox()).Value);

    public long ConfigurationsRefused(string reason) => _configurationsRefused.TryGetValue(reason, out var box) ? Interlocked.Read(ref box.Value) : 0;

    private long _deviceOfflineRaised;
    private long _deviceOfflineCleared;
    private long _gatewayEventAppendFailures;
    private long _deviceHealthFailures;

    /// <summary>Devices alarmed offline now (device health), read at scrape time.</summary>
    public Func<long> DevicesOffline { get; set; } = () => 0;

    public long DeviceOfflineRaised => Interlocked.Read(ref _deviceOfflineRaised);

    public long DeviceOfflineCleared => Interlocked.Read(ref _deviceOfflineCleared);

    public long GatewayEventAppendFailures => Interlocked.Read(ref _gatewayEventAppendFailures);

    public long DeviceHealthFailures => Interlocked.Read(ref _deviceHealthFailures);

    /// <summary>A device_offline alarm raised (kept durably, on its way to the store).</summary>
    public void CountDeviceOfflineRaised() => Interlocked.Increment(ref _deviceOfflineRaised);

    /// <summary>A device_online event raised: the device's offline alarm cleared.</summary>
    public void CountDeviceOfflineCleared() => Interlocked.Increment(ref _deviceOfflineCleared);

    /// <summary>A gateway event whose append failed (kept, tried again).</summary>
    public void CountGatewayEventAppendFailure() => Interlocked.Increment(ref _gatewayEventAppendFailures);

    /// <summary>A device health pass that failed (its state not written; done again at the next pass).</summary>
    public void CountDeviceHealthFailure() => Interlocked.Increment(ref _deviceHealthFailures);

    public void CountReceived() => Interlocked.Increment(ref _received);

    public void CountStored() => Interlocked.Increment(ref _stored);

    public void CountDuplicate() => Interlocked.Increment(ref _duplicates);

    public void CountForwarded(int count) => Interlocked.Add(ref _forwarded, count);

    public void CountForwardFailure() => Interlocked.Increment(ref _forwardFailures);

    public void CountUpstreamRejected(int count) => Interlocked.Add(ref _upstreamRejected, count);

    public void CountStoreFailure() => Interlocked.Increment(ref _storeFailures);

    public void CountConnectionAccepted() => Interlocked.Increment(ref _connectionsAccepted);

    public void CountAlarmsExpressed(int count) => Interlocked.Add(ref _alarmsExpressed, count);

    public void CountRejected(string reason) => Interlocked.Increment(ref _rejected.GetOrAdd(reason, _ => new StrongBox()).Value);

    /// <summary>A device fault seen in an accepted event (<c>id_conflict</c>, <c>seq_regression</c>): kept, flagged, counted.</summary>
    public void CountDeviceFault(string fault) => Interlocked.Increment(ref _deviceFaults.GetOrAdd(fault, _ => new StrongBox()).Value);

    public long DeviceFaults(string fault) => _deviceFaults.TryGetValue(fault, out var box) ? Interlocked.Read(ref box.Value) : 0;

    public long Rejected(string reason) => _rejected.TryGetValue(reason, out var box) ? Interlocked.Read(ref box.Value) : 0;

    public long RejectedTotal => _rejected.Values.Sum(b => Interlocked.Read(ref b.Value));

    public string ToPrometheusText()
    {
        var text = new StringBuilder(1024);
        Counter(text, "gateway_received_total", "Event publishes received from devices.", Received);
        Counter(text, "gateway_stored_total", "Events durably stored (new ids).", Stored);
        Counter(text, "gateway_duplicates_total", "Publishes of an id already stored (acknowledged, not stored again).", Duplicates);
        EventsIn.AppendPrometheus(text, "gateway_events_stored_total", "Events stored (new ids: devices' and the gateway's own), by lane and type.");
        text.Append("# HELP gateway_rejected_total Input rejected, by reason (docs/wire-format.md).\n# TYPE gateway_rejected_total counter\n");
        foreach (var pair in _rejected.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append("gateway_rejected_total{reason=\"").Append(pair.Key).Append("\"} ")
                .Append(Interlocked.Read(ref pair.Value.Value).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        text.Append("# HELP gateway_device_faults_total Events kept but flagged as a device fault, by fault (docs/wire-format.md, \"One id, one payload\").\n# TYPE gateway_device_faults_total counter\n");
        foreach (var pair in _deviceFaults.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append("gateway_device_faults_total{fault=\"").Append(pair.Key).Append("\"} ")
                .Append(Interlocked.Read(ref pair.Value.Value).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        Counter(text, "gateway_forwarded_total", "Events the upstream confirmed (stored or duplicate).", Forwarded);
        Counter(text, "gateway_forward_failures_total", "Upstream attempts that failed and will be retried.", ForwardFailures);
        Counter(text, "gateway_alarms_expressed_total", "Alarms confirmed through the express path (posted while their commit ran).", AlarmsExpressed);
        Counter(text, "gateway_alarm_express_closures_total", "Times an alarm stream fell back to the store path (failed or partial express POST, full queue).", AlarmExpressClosures());
        Counter(text, "gateway_upstream_rejected_total", "Events the upstream rejected for good.", UpstreamRejected);
        Counter(text, "gateway_store_failures_total", "Events whose commit failed (device not acknowledged).", StoreFailures);
        Counter(text, "gateway_connections_accepted_total", "Device connections accepted.", ConnectionsAccepted);
        Counter(text, "gateway_downlinks_queued_total", "Downlinks queued durably for a device (embedded broker).", DownlinksQueuedTotal);
        Counter(text, "gateway_downlinks_delivered_total", "Downlinks sent to their device for the first time.", DownlinksDelivered);
        Counter(text, "gateway_downlinks_redelivered_total", "Downlinks sent again with DUP after a reconnect or a restart.", DownlinksRedelivered);
        Counter(text, "gateway_downlinks_acknowledged_total", "Downlinks the device acknowledged (PUBACK) and the gateway removed.", DownlinksAcknowledged);
        Labelled(text, "gateway_downlinks_rejected_total", "Downlinks refused at enqueue, by reason (nothing queued).", _downlinksRejected);
        Labelled(text, "gateway_downlinks_discarded_total", "Queued downlinks dropped with their session, by reason (MQTT session rules).", _downlinksDiscarded);
        Counter(text, "gateway_acks_received_total", "Acknowledgements of alarms read from the platform.", AcknowledgementsReceived);
        Counter(text, "gateway_acks_queued_total", "Acknowledgements queued as ack downlinks for their device.", AcknowledgementsQueued);
        Labelled(text, "gateway_acks_refused_total", "Acknowledgements not sent to a device, by reason.", _acknowledgementsRefused);
        Counter(text, "gateway_acks_poll_failures_total", "Reads of the platform's acknowledgements that failed (retried).", AcknowledgementPollFailures);
        Counter(text, "gateway_configs_queued_total", "Configurations from the platform queued as config downlinks for their device.", ConfigurationsQueued);
        Labelled(text, "gateway_configs_refused_total", "Configurations from the platform not sent to a device, by reason.", _configurationsRefused);
        Counter(text, "gateway_device_offline_alarms_total", "device_offline alarms raised by the gateway (missed heartbeats or a lost connection).", DeviceOfflineRaised);
        Counter(text, "gateway_device_offline_cleared_total", "device_online events raised: an offline alarm cleared by the device's return.", DeviceOfflineCleared);
        Counter(text, "gateway_device_health_append_failures_total", "Gateway events (device_offline/online) whose append failed; kept and tried again.", GatewayEventAppendFailures);
        Counter(text, "gateway_device_health_failures_total", "Device health passes that failed (state not written; done again next pass).", DeviceHealthFailures);
        Gauge(text, "gateway_devices_offline", "Devices alarmed offline now (open device_offline alarms).", DevicesOffline());
        Gauge(text, "gateway_downlinks_queue_depth", "Downlinks queued and not yet acknowledged, all devices.", DownlinksQueued());
        Gauge(text, "gateway_sessions", "MQTT sessions held by the embedded broker (connected or persistent).", SessionsHeld());
        Gauge(text, "gateway_store_queue_depth", "Appends waiting for the group commit.", QueueDepth());
        Gauge(text, "gateway_pending_events", "Events stored and not yet forwarded.", Pending());
        Gauge(text, "gateway_devices_connected", "Devices connected and logged in (embedded broker, lean listener).", DevicesConnected());
        Gauge(text, "gateway_telemetry_waiting", "Telemetry events waiting for an ingest slot (alarms never wait).", TelemetryWaiting());
        Gauge(text, "gateway_threadpool_queue", "Work items waiting in the .NET thread pool.", ThreadPool.PendingWorkItemCount);
        Gauge(text, "gateway_threadpool_threads", "Threads in the .NET thread pool.", ThreadPool.ThreadCount);
        Counter(text, "gateway_gc_pause_seconds_total", "Time the runtime paused all threads for garbage collection.", GC.GetTotalPauseDuration().TotalSeconds);
        Counter(text, "gateway_allocated_bytes_total", "Bytes allocated on the managed heap since start.", GC.GetTotalAllocatedBytes());
        Counter(text, "gateway_jit_methods_total", "Methods compiled by the JIT since start (tiering goes on for a while after start).", System.Runtime.JitInfo.GetCompiledMethodCount());
        Counter(text, "gateway_jit_seconds_total", "Time spent compiling (JIT) since start.", System.Runtime.JitInfo.GetCompilationTime().TotalSeconds);
        Counter(text, "gateway_gc_collections_total", "Garbage collections of any generation.", GC.CollectionCount(0));
        Counter(text, "gateway_gc_gen2_collections_total", "Full (generation 2) garbage collections.", GC.CollectionCount(2));
        var gc = GC.GetGCMemoryInfo();
        Gauge(text, "gateway_gc_heap_bytes", "Managed heap size after the last garbage collection.", gc.HeapSizeBytes);
        Gauge(text, "gateway_gc_committed_bytes", "Memory the garbage collector has committed.", gc.TotalCommittedBytes);
        Gauge(text, "gateway_gc_fragmented_bytes", "Free space inside the managed heap after the last collection.", gc.FragmentedBytes);
        return text.ToString();
    }

    private static void Labelled(StringBuilder text, string name, string help, ConcurrentDictionary<string, StrongBox> byReason)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" counter\n");
        foreach (var pair in byReason.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append("{reason=\"").Append(pair.Key).Append("\"} ")
                .Append(Interlocked.Read(ref pair.Value.Value).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static void Counter(StringBuilder text, string name, string help, double value) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" counter\n")
            .Append(name).Append(' ').Append(value.ToString("0.###", CultureInfo.InvariantCulture)).Append('\n');

    private static void Counter(StringBuilder text, string name, string help, long value) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" counter\n")
            .Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static void Gauge(StringBuilder text, string name, string help, long value) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" gauge\n")
            .Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private sealed class StrongBox
    {
        public long Value;
    }
}
