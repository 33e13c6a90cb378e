using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Store;

namespace Eldercare.Edge.Tests.Forwarding;

/// <summary>An upstream that records batches and answers as told: take all, fail, or take the first n.</summary>
public sealed class FakeUpstream : IUpstream
{
    private readonly List<IReadOnlyList<EventRecord>> _batches = [];
    private readonly List<(Func<IReadOnlyList<IReadOnlyList<EventRecord>>, bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public Func<IReadOnlyList<EventRecord>, UpstreamAnswer> Answer { get; set; } = batch => new UpstreamAnswer(batch.Select(e => e.Id).ToList(), []);

    /// <summary>This many attempts fail, counted as they arrive (so with several streams posting at once, the first
    /// ones to arrive fail, whatever <see cref="BeforeAnswer"/> does meanwhile).</summary>
    public int FailuresLeft { get; set; }

    /// <summary>When set, <see cref="IUpstream.WarmAsync"/> throws it (an upstream breaking the "never throws" promise).</summary>
    public Exception? WarmThrows { get; set; }

    /// <summary>Runs before each answer with the attempt number (1-based): lets a test change the store mid-outage.</summary>
    public Func<int, Task>? BeforeAnswer { get; set; }

    public IReadOnlyList<IReadOnlyList<EventRecord>> Batches
    {
        get
        {
            lock (_batches)
            {
                return _batches.ToList();
            }
        }
    }

    /// <summary>
    /// Completes once the batches received so far satisfy <paramref name="condition"/>, checked now and as each batch
    /// arrives (before its answer): the signal a test waits on, with a timeout, instead of polling.
    /// </summary>
    public Task WhenReceived(Func<IReadOnlyList<IReadOnlyList<EventRecord>>, bool> condition)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_batches)
        {
            if (condition(_batches))
            {
                done.SetResult();
            }
            else
            {
                _waiters.Add((condition, done));
            }
        }

        return done.Task;
    }

    /// <summary>Completes once a batch holding the event <paramref name="id"/> has arrived.</summary>
    public Task WhenReceived(string id) => WhenReceived(batches => batches.Any(b => b.Any(e => e.Id == id)));

    public async Task<UpstreamAnswer> SendAsync(IReadOnlyList<EventRecord> batch, CancellationToken cancellationToken)
    {
        int attempt;
        bool fail;
        lock (_batches)
        {
            _batches.Add(batch);
            attempt = _batches.Count;
            fail = FailuresLeft > 0;
            if (fail)
            {
                FailuresLeft--;
            }

            _waiters.RemoveAll(waiter =>
            {
                if (!waiter.Condition(_batches))
                {
                    return false;
                }

                waiter.Done.SetResult();
                return true;
            });
        }

        if (BeforeAnswer is not null)
        {
            await BeforeAnswer(attempt);
        }

        if (fail)
        {
            throw new UpstreamException("fake outage");
        }

        return Answer(batch);
    }

    Task IUpstream.WarmAsync(CancellationToken cancellationToken) =>
        WarmThrows is not null ? throw WarmThrows : Task.CompletedTask;
}
