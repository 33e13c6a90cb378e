using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Store;

namespace Eldercare.Edge.Tests.Forwarding;

/// <summary>An upstream that records batches and answers as told: take all, fail, or take the first n.</summary>
public sealed class FakeUpstream : IUpstream
{
    private readonly List<IReadOnlyList<EventRecord>> _batches = [];

    public Func<IReadOnlyList<EventRecord>, UpstreamAnswer> Answer { get; set; } = batch => new UpstreamAnswer(batch.Select(e => e.Id).ToList(), []);

    public int FailuresLeft { get; set; }

    /// <summary>When set, <see cref="IUpstream.Warm"/> throws it (an upstream breaking the "never throws" promise).</summary>
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

    public async Task<UpstreamAnswer> SendAsync(IReadOnlyList<EventRecord> batch, CancellationToken cancellationToken)
    {
        int attempt;
        lock (_batches)
        {
            _batches.Add(batch);
            attempt = _batches.Count;
        }

        if (BeforeAnswer is not null)
        {
            await BeforeAnswer(attempt);
        }

        if (FailuresLeft > 0)
        {
            FailuresLeft--;
            throw new UpstreamException("fake outage");
        }

        return Answer(batch);
    }

    void IUpstream.Warm(CancellationToken cancellationToken)
    {
        if (WarmThrows is not null)
        {
            throw WarmThrows;
        }
    }
}
