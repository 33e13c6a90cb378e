namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// Store-and-forward contract (STYLE.md habit 7: one interface, one contract test for every implementation).
/// <see cref="AppendAsync"/> completes only when the event is durable, so a caller may acknowledge the
/// device as soon as it returns. Pending events are read alarm lane first, each lane in arrival order.
/// </summary>
public interface IEventStore
{
    /// <summary>Events stored but not yet forwarded.</summary>
    long PendingCount { get; }

    /// <summary>Appends waiting for their commit (the group-commit queue).</summary>
    int QueueDepth { get; }

    /// <summary>Durably stores the event, or reports it as a duplicate of an id already stored.</summary>
    Task<AppendOutcome> AppendAsync(EventRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="AppendAsync"/> for an event that may wait up to the store's heartbeat commit window for other events to
    /// share its commit (a settled device's heartbeat): durable when it completes, as with <see cref="AppendAsync"/>.
    /// </summary>
    Task<AppendOutcome> AppendSharedAsync(EventRecord record, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="maxCount"/> pending events: the whole alarm lane before telemetry, each lane in store order.</summary>
    Task<IReadOnlyList<EventRecord>> ReadPendingAsync(int maxCount, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="maxCount"/> pending events of one lane (<see cref="Eldercare.Firmware.Core.Events.EventTypes.AlarmLane"/> or telemetry), in store order.</summary>
    Task<IReadOnlyList<EventRecord>> ReadPendingAsync(string lane, int maxCount, CancellationToken cancellationToken);

    /// <summary>
    /// Like <see cref="ReadPendingAsync(string, int, CancellationToken)"/>, only events stored after
    /// <paramref name="afterStoreSequence"/> (<see cref="EventRecord.StoreSequence"/>) and only of the devices in
    /// share <paramref name="shard"/> of <paramref name="shards"/> (a device is always in the same share: the code
    /// of the last character of its id modulo <paramref name="shards"/>). The forwarder reads its next batch while
    /// the previous one is in flight, one stream per share.
    /// </summary>
    Task<IReadOnlyList<EventRecord>> ReadPendingAsync(string lane, int shard, int shards, long afterStoreSequence, int maxCount, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="ReadPendingAsync(string, int, CancellationToken)"/>, blocking: for the alarm lane's own thread,
    /// so an alarm's read never waits in the thread pool's queue.
    /// </summary>
    IReadOnlyList<EventRecord> ReadPending(string lane, int maxCount, CancellationToken cancellationToken);

    /// <summary><see cref="WaitForNewEventsAsync(string, TimeSpan, CancellationToken)"/>, blocking (woken directly by the commit).</summary>
    void WaitForNewEvents(string lane, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Like <see cref="WaitForNewEventsAsync(TimeSpan, CancellationToken)"/>, for events of one lane only.</summary>
    Task WaitForNewEventsAsync(string lane, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Marks events done (or rejected upstream); returns how many were pending.</summary>
    Task<int> MarkAsync(IReadOnlyCollection<string> ids, ForwardState state, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="MarkAsync(IReadOnlyCollection{string}, ForwardState, CancellationToken)"/> for the alarm lane's own
    /// thread, blocking: the marks take the writer's priority queue and the wait is woken by the commit itself, so the
    /// next alarm's POST waits neither for a telemetry batch's commit nor for the thread pool.
    /// </summary>
    int MarkAlarms(IReadOnlyCollection<string> ids, ForwardState state, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="MarkAlarms"/> without waiting for the commit: queued on the writer's priority queue, the task
    /// completes when the marks are committed. The alarm lane sends the next alarms meanwhile (read after its cursor).
    /// </summary>
    Task<int> QueueAlarmMarks(IReadOnlyCollection<string> ids, ForwardState state, CancellationToken cancellationToken);

    /// <summary>
    /// Pending alarms stored after <paramref name="afterStoreSequence"/>, in store order, blocking, on a read
    /// connection of their own (never waiting behind a telemetry read): for the alarm lane's thread.
    /// </summary>
    IReadOnlyList<EventRecord> ReadPendingAlarms(long afterStoreSequence, int maxCount);

    /// <summary>
    /// <see cref="ReadPendingAlarms(long, int)"/> for one alarm stream: only the devices of share
    /// <paramref name="shard"/> of <paramref name="shards"/> (a device is always in the same share, as with the
    /// telemetry streams), so several streams post alarms at once and each device's alarms stay in order.
    /// </summary>
    IReadOnlyList<EventRecord> ReadPendingAlarms(int shard, int shards, long afterStoreSequence, int maxCount);

    /// <summary>Blocks until a commit stored alarms (or the timeout); each alarm stream waits with its own shard
    /// number and every one of them is woken by such a commit.</summary>
    void WaitForNewAlarms(int shard, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Wakes the alarm stream <paramref name="shard"/> as a commit of alarms would (the express path's offers).</summary>
    void WakeAlarms(int shard);

    /// <summary>
    /// Per device and lane, the highest (boot epoch, seq) among the pending events and the last
    /// <paramref name="recentRows"/> stored: where the ingest's <see cref="Ingest.SequenceTracker"/> starts after a restart.
    /// </summary>
    IReadOnlyList<SequenceMark> ReadSequenceMarks(int recentRows);

    /// <summary>Completes when something was stored after the call began, or at the timeout (whichever first).</summary>
    Task WaitForNewEventsAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
