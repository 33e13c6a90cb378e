using Eldercare.Edge.Gateway.Store;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// Lane priority between forward streams: a stream may send only while no stream of a lane before its own has a
/// backlog (events read and not yet delivered). Every stream starts with a backlog until its first read finds nothing,
/// so after a start or an outage the alarms go before any service event, and those before any telemetry; a POST
/// already in flight is never held back (it is at most one batch, and an alarm stream has its own).
/// </summary>
public sealed class LaneScheduler
{
    private readonly int[] _backlogs;
    private TaskCompletionSource _cleared = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LaneScheduler(LaneSet lanes)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        _backlogs = lanes.InPriorityOrder.Select(lane => lane.Shards).ToArray();
    }

    /// <summary>True while a stream of a lane before <paramref name="priority"/> has a backlog.</summary>
    public bool MustWait(int priority)
    {
        for (var before = 0; before < priority; before++)
        {
            if (Volatile.Read(ref _backlogs[before]) > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Completes when no lane before <paramref name="priority"/> has a backlog (at once for the first lane).</summary>
    public async ValueTask WaitForTurnAsync(int priority, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Taken before the check: a backlog clearing in between completes the task already taken.
            var cleared = Volatile.Read(ref _cleared).Task;
            if (!MustWait(priority))
            {
                return;
            }

            await cleared.WaitAsync(cancellationToken).ConfigureAwait(true);
        }
    }

    /// <summary>A stream of the lane at <paramref name="priority"/> went from backlog to none or back.</summary>
    public void BacklogChanged(int priority, bool hasBacklog)
    {
        if (hasBacklog)
        {
            Interlocked.Increment(ref _backlogs[priority]);
        }
        else if (Interlocked.Decrement(ref _backlogs[priority]) == 0)
        {
            Interlocked.Exchange(ref _cleared, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }
}
