using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Firmware.Core.Events;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Ingest;

/// <summary>
/// The protocol-free ingest step shared by both broker modes: decode with the firmware's own codec,
/// check the event belongs to the device of the topic, store durably, count and log.
/// </summary>
public sealed class EventIngestor
{
    private readonly IEventAppender _store;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<EventIngestor> _logger;
    private readonly TimeProvider _time;
    private readonly ClockSkewMonitor _skew;
    private readonly TelemetryAdmission _admission;
    private readonly AlarmExpress _express;
    private readonly SequenceTracker _sequences = new();
    private readonly RejectionLog _rejections;
    private readonly Health.DeviceFacts? _facts;
    private readonly Health.IDeviceActivity? _activity;

    /// <summary>Rows read at start, besides the pending ones, to know each device's last (boot, seq): a day of a
    /// 10k-device fleet's heartbeats is more, but a device's newest event is among the latest rows.</summary>
    private const int SequenceMarkRows = 200_000;

    /// <param name="store">Where events go: durable when an append completes.</param>
    /// <param name="sequenceMarks">Where each device's sequence stood when the store was opened (read once, here).</param>
    /// <param name="skew">Flags a device clock beyond the tolerance (the flag travels upstream, docs/wire-format.md).</param>
    /// <param name="admission">Who of a storm's telemetry may go to the store now; alarms never wait for it.</param>
    /// <param name="express">The forwarder's alarm express path (the same instance the forwarder reads).</param>
    /// <param name="rejections">The rate-limited rejection log, shared with the brokers' rejections; its owner disposes it.</param>
    /// <param name="facts">Where each stored heartbeat's fw, rssi and bat are noted for the console (none: not kept).</param>
    /// <param name="activity">Device health, told each stored heartbeat's period (<c>hbs</c>) for that device's offline
    /// deadline (none: every device timed by the configured period).</param>
    public EventIngestor(IEventAppender store, ISequenceMarkSource sequenceMarks, GatewayMetrics metrics, ILogger<EventIngestor> logger, TimeProvider time, ClockSkewMonitor skew, TelemetryAdmission admission, AlarmExpress express, RejectionLog rejections, Health.DeviceFacts? facts = null, Health.IDeviceActivity? activity = null)
    {
        _facts = facts;
        _activity = activity;
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sequenceMarks);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(skew);
        ArgumentNullException.ThrowIfNull(admission);
        ArgumentNullException.ThrowIfNull(express);
        ArgumentNullException.ThrowIfNull(rejections);
        _store = store;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _skew = skew;
        _admission = admission;
        _express = express;
        _rejections = rejections;
        _sequences.Load(sequenceMarks.ReadSequenceMarks(SequenceMarkRows));
    }

    /// <param name="topicDeviceId">The device the topic (and, on the embedded broker, the login) says sent it.</param>
    public async Task<IngestResult> IngestAsync(string topicDeviceId, byte[] payload, CancellationToken cancellationToken)
    {
        var receivedAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _metrics.CountReceived();
        var decoded = EventCodec.Decode(payload);
        if (!decoded.Ok)
        {
            return Reject(topicDeviceId, decoded.Reason, decoded.Detail);
        }

        var deviceEvent = decoded.Event;
        if (deviceEvent.DeviceId != topicDeviceId)
        {
            return Reject(topicDeviceId, RejectReasons.DeviceMismatch, $"event dev '{deviceEvent.DeviceId}' published on the topic of '{topicDeviceId}'");
        }

        if (EventTypes.IsGatewayMade(deviceEvent.Type))
        {
            // Only the gateway says a device is offline or back (about its subj); a device could raise or clear another's.
            return Reject(topicDeviceId, RejectReasons.TypeNotAllowed, $"'{deviceEvent.Type}' is made by the gateway, never by a device");
        }

        // Valid UTF-8 was checked by the decoder (which kept the text it decoded), so it round-trips byte for byte.
        var record = EventRecord.FromDevice(deviceEvent, decoded.Text ?? System.Text.Encoding.UTF8.GetString(payload), receivedAt);
        // A wrong device clock is flagged, never a reason to drop: the gateway's receive time is the trusted one.
        var skew = _skew.Check(record.DeviceId, record.Id, record.DeviceTimestampUnixMilliseconds, receivedAt);
        if (skew is not null)
        {
            record = record with { ClockSkewMilliseconds = skew };
        }

        // A reused id (same id, other payload) must be decided by the store before anything is posted upstream, so
        // only an alarm newer than everything seen from its device is expressed (SequenceTracker).
        var seen = _sequences.Observe(record.DeviceId, record.Lane, record.BootEpoch, record.Sequence);
        if (seen.Behind)
        {
            record = record with { Fault = EventIdentity.SeqRegression };
        }

        AppendOutcome outcome;
        TelemetryAdmission.Slot slot = default;
        try
        {
            // An SOS or a fall never queues behind a storm's backlog; neither does a settled device's heartbeat.
            var fastLane = !record.IsAlarm && _admission.TryFastLane(topicDeviceId);
            if (!record.IsAlarm && !fastLane)
            {
                slot = await _admission.EnterBulkAsync(cancellationToken).ConfigureAwait(false);
            }

            // An alarm is posted upstream while the store commits it; the PUBACK below still waits for the commit.
            var append = record.IsAlarm && seen.Ahead
                ? _express.OfferThenAppend(record, () => _store.AppendAsync(record, cancellationToken))
                // A settled device's heartbeat shares a commit with others (an SD card's life); a flush never waits.
                : fastLane ? _store.AppendSharedAsync(record, cancellationToken) : _store.AppendAsync(record, cancellationToken);
            outcome = await append.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            _metrics.CountStoreFailure();
            _logger.LogError("not stored {Id} dev={DeviceId} type={Type}: {Error}", record.Id, record.DeviceId, record.Type, exception.Message);
            return new IngestResult(IngestOutcome.StoreFailed, record.Id, null, exception.Message);
        }
        finally
        {
            slot.Dispose();
        }

        switch (outcome)
        {
            case AppendOutcome.Duplicate:
                _metrics.CountDuplicate();
                _logger.LogInformation("duplicate {Id} dev={DeviceId}", record.Id, record.DeviceId);
                return new IngestResult(IngestOutcome.Duplicate, record.Id, null, null);
            case AppendOutcome.ConflictDuplicate:
                var kept = record.AsConflict().Id;
                _metrics.CountDuplicate();
                _logger.LogInformation("duplicate {Id} (a resend of a payload kept under {ConflictId})", record.Id, kept);
                return new IngestResult(IngestOutcome.Duplicate, kept, null, null);
            case AppendOutcome.Conflict:
                // Acknowledged: it is durable under its derived id and will be forwarded; refusing it would leave an
                // alarm in a device that resends the same id forever (docs/wire-format.md, "One id, one payload").
                var conflict = record.AsConflict();
                _metrics.CountStored();
                _metrics.EventsIn.Count(record.Lane, record.Type);
                _metrics.CountDeviceFault(EventIdentity.IdConflict);
                _rejections.WriteFault(record.DeviceId, record.Id, EventIdentity.IdConflict,
                    $"the id was stored before with another payload (device boot epoch or storage reset?); this {record.Type} stored as {conflict.Id}");
                return new IngestResult(IngestOutcome.Stored, conflict.Id, null, null);
        }

        if (record.Fault == EventIdentity.SeqRegression)
        {
            _metrics.CountDeviceFault(EventIdentity.SeqRegression);
            _rejections.WriteFault(record.DeviceId, record.Id, EventIdentity.SeqRegression,
                $"seq lower than one already seen from boot epoch {record.BootEpoch} in the {record.Lane} lane (device storage reset?); stored, flagged");
        }

        _metrics.CountStored();
        _metrics.EventsIn.Count(record.Lane, record.Type);
        if (_facts is not null && deviceEvent.Type == EventTypes.Heartbeat)
        {
            _facts.Heartbeat(deviceEvent.DeviceId, new Health.DeviceFact(deviceEvent.FirmwareVersion,
                deviceEvent.SignalDbm == DeviceEvent.NoSignal ? null : deviceEvent.SignalDbm,
                deviceEvent.BatteryPercent == DeviceEvent.Absent ? null : deviceEvent.BatteryPercent, receivedAt));
        }

        if (_activity is not null && deviceEvent.Type == EventTypes.Heartbeat && record.Fault != EventIdentity.SeqRegression)
        {
            // A new heartbeat (never a duplicate, never one older than what the device sent already) sets the period its
            // offline deadline follows; one without hbs (older firmware) puts it back on the configured period.
            _activity.HeartbeatPeriodReported(deviceEvent.DeviceId, deviceEvent.HeartbeatSeconds == DeviceEvent.Absent ? 0 : deviceEvent.HeartbeatSeconds);
        }

        // Alarms are few and what an operator looks for; telemetry at fleet rate would drown the log.
        // Structured fields for a log collector (journald, IoT Edge's log upload): the event, its device, type and lane.
        _logger.Log(record.IsAlarm ? LogLevel.Information : LogLevel.Debug, "stored {Id} dev={DeviceId} type={Type} lane={Lane}", record.Id, record.DeviceId, record.Type, record.Lane);
        return new IngestResult(IngestOutcome.Stored, record.Id, null, null);
    }

    /// <summary>A device's connection was accepted (embedded broker): its first events are an outbox flush.</summary>
    public void SessionStarted(string deviceId) => _admission.SessionStarted(deviceId);

    /// <summary>Counts and logs a rejection decided elsewhere (ACL, credentials) in the same format.</summary>
    public void ReportRejected(string deviceId, string reason, string detail)
    {
        _metrics.CountRejected(reason);
        // Escaped, capped and, for a flood from one source, summed up (RejectionLog); the counter counts each one.
        _rejections.Write(deviceId, reason, detail);
    }

    private IngestResult Reject(string deviceId, string reason, string detail)
    {
        ReportRejected(deviceId, reason, detail);
        return new IngestResult(IngestOutcome.Rejected, null, reason, detail);
    }
}
