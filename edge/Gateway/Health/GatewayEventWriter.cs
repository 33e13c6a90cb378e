using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Store;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Health;

/// <summary>
/// Makes the gateway's <c>device_offline</c> and <c>device_online</c> events and gets them into the event store exactly
/// once: identity allocated and payload kept in <see cref="HealthStateStore"/> (fsynced, with the alarm's state) before
/// the append, removed from its outbox after it. An append that fails stays in the outbox and is tried again at the next
/// pass (and at the next start): nothing is lost, and a repeat is the same payload under the same id, a duplicate.
/// </summary>
public sealed class GatewayEventWriter
{
    private readonly string _gatewayId;
    private readonly HealthStateStore _state;
    private readonly IGatewayEventAppender _appender;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly List<EventRecord> _outbox;

    /// <param name="gatewayId">Gateway:Forwarder:GatewayId, the <c>dev</c> of the events (a valid device id).</param>
    public GatewayEventWriter(string gatewayId, HealthStateStore state, IGatewayEventAppender appender, GatewayMetrics metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(appender);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _gatewayId = gatewayId;
        _state = state;
        _appender = appender;
        _metrics = metrics;
        _logger = logger;
        _outbox = state.LoadOutbox();
    }

    /// <summary>Events kept and not yet known to be in the event store.</summary>
    public int Waiting => _outbox.Count;

    /// <summary>
    /// Decides one pass: an offline alarm per due device, an online event per alarm cleared, all kept in one fsynced
    /// transaction. Returns what now holds (the caller updates presence); throws when the transaction failed, and then
    /// nothing of the pass happened.
    /// </summary>
    public (List<OpenAlarm> Raised, List<OpenAlarm> Cleared) Commit(IReadOnlyList<DevicePresence.OfflineDue> offline, IReadOnlyList<OpenAlarm> online, long now)
    {
        var raised = new List<OpenAlarm>(offline.Count);
        var events = new List<EventRecord>(offline.Count + online.Count);
        foreach (var due in offline)
        {
            var record = GatewayEvents.Offline(_gatewayId, _state.Boot, _state.NextSequence(_state.Boot), due.DeviceId, due.Reason, due.LastSeenUnixMilliseconds, now);
            raised.Add(new OpenAlarm(due.DeviceId, record.Id, record.BootEpoch, record.Sequence, now));
            events.Add(record);
        }

        foreach (var alarm in online)
        {
            events.Add(GatewayEvents.Online(_gatewayId, alarm.Boot, _state.NextSequence(alarm.Boot), alarm.Seq, alarm.DeviceId, alarm.RaisedUnixMilliseconds, now));
        }

        if (events.Count == 0)
        {
            return (raised, []);
        }

        _state.Commit(raised, online.Select(a => a.DeviceId).ToList(), events);
        _outbox.AddRange(events);
        foreach (var (alarm, due) in raised.Zip(offline))
        {
            _metrics.CountDeviceOfflineRaised();
            _logger.LogWarning("device_offline {Device}: {Reason}, nothing from it for {Silent} s (alarm {Id})",
                alarm.DeviceId, due.Reason, Math.Max(0, (now - due.LastSeenUnixMilliseconds) / 1000), alarm.AlarmId);
        }

        foreach (var alarm in online)
        {
            _metrics.CountDeviceOfflineCleared();
            _logger.LogInformation("device_online {Device}: back after {Offline} s (clears {Id})", alarm.DeviceId, Math.Max(0, (now - alarm.RaisedUnixMilliseconds) / 1000), alarm.AlarmId);
        }

        return (raised, online.ToList());
    }

    /// <summary>Appends every kept event (together, so they share a group commit); the ones the store took leave the
    /// outbox, the others stay for the next pass (counted, logged).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_outbox.Count == 0)
        {
            return;
        }

        var batch = _outbox.ToList();
        var appends = batch.Select(record => AppendAsync(record, cancellationToken)).ToList();
        var done = await Task.WhenAll(appends).ConfigureAwait(false);
        var stored = batch.Where((_, i) => done[i]).ToList();
        if (stored.Count == 0)
        {
            return;
        }

        _state.Appended(stored.Select(r => r.Id).ToList());
        foreach (var record in stored)
        {
            _outbox.Remove(record);
        }
    }

    private async Task<bool> AppendAsync(EventRecord record, CancellationToken cancellationToken)
    {
        try
        {
            var outcome = await _appender.AppendAsync(record, cancellationToken).ConfigureAwait(false);
            if (outcome is AppendOutcome.Stored or AppendOutcome.Conflict)
            {
                _metrics.EventsIn.Count(record.Lane, record.Type);
            }

            // Duplicate: the append before a crash had made it; Conflict would mean another payload held this id, which
            // the state's sequences rule out; kept and flagged by the store either way, so it is done here.
            _logger.Log(outcome == AppendOutcome.Stored ? LogLevel.Information : LogLevel.Warning, "stored {Id} ({Outcome})", record.Id, outcome);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            _metrics.CountGatewayEventAppendFailure();
            _logger.LogError("not stored yet {Id} ({Type}): {Error}; kept, tried again in the next pass", record.Id, record.Type, exception.Message);
            return false;
        }
    }
}
