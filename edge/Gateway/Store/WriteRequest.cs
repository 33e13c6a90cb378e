namespace Eldercare.Edge.Gateway.Store;

/// <summary>One piece of work for the store's writer thread (<see cref="SqliteWriter"/>), completed after its commit.</summary>
internal abstract class WriteRequest
{
    /// <summary>When it was made (<see cref="Environment.TickCount64"/>): a commit window runs from its oldest request.</summary>
    public long EnqueuedAtMilliseconds { get; } = Environment.TickCount64;

    public abstract void Complete();

    public abstract void Fail(Exception exception);
}

/// <summary>An event to store; <see cref="QueueIndex"/> names the forward queue (lane, shard) its commit wakes.</summary>
internal sealed class AppendRequest(EventRecord record, int laneCode, int shard, int queueIndex, bool shared) : WriteRequest
{
    public EventRecord Record { get; } = record;

    public int LaneCode { get; } = laneCode;

    public int Shard { get; } = shard;

    public int QueueIndex { get; } = queueIndex;

    /// <summary>May wait up to the heartbeat commit window for other events (<see cref="IEventAppender.AppendSharedAsync"/>).</summary>
    public bool Shared { get; } = shared;

    public AppendOutcome Outcome { get; set; }

    // RunContinuationsAsynchronously: the writer loop must not run every publisher's PUBACK path inline.
    public TaskCompletionSource<AppendOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void Complete() => Completion.TrySetResult(Outcome);

    public override void Fail(Exception exception) => Completion.TrySetException(exception);
}

/// <summary>Retention prune and dedup-window expiry, run by the writer like any other write.</summary>
internal sealed class MaintenanceRequest : WriteRequest
{
    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void Complete() => Completion.TrySetResult();

    public override void Fail(Exception exception) => Completion.TrySetException(exception);
}

/// <summary>A forward queue's batch of marks (the upstream's answer to one POST); <see cref="QueueIndex"/> names the queue.</summary>
internal sealed class MarkRequest(IReadOnlyCollection<string> ids, ForwardState state, int queueIndex) : WriteRequest
{
    public IReadOnlyCollection<string> Ids { get; } = ids;

    public int QueueIndex { get; } = queueIndex;

    /// <summary>The ids as a JSON array for <c>json_each</c> (built by the caller, not on the writer thread).</summary>
    public string IdsJson { get; } = System.Text.Json.JsonSerializer.Serialize(ids);

    public ForwardState State { get; } = state;

    public int Changed { get; set; }

    public TaskCompletionSource<int> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void Complete() => Completion.TrySetResult(Changed);

    public override void Fail(Exception exception) => Completion.TrySetException(exception);
}
