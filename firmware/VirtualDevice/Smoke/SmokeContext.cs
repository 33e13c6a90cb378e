using Eldercare.VirtualDevice.Cloud;

namespace Eldercare.VirtualDevice.Smoke;

/// <summary>What every flow shares: the community, the cloud stub, the deadline, and the checks they all make.</summary>
public sealed class SmokeContext
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public SmokeContext(Community community, CloudStubClient cloud, DateTime deadlineUtc, TimeSpan settle)
    {
        Community = community;
        Cloud = cloud;
        DeadlineUtc = deadlineUtc;
        Settle = settle;
    }

    public Community Community { get; }

    public CloudStubClient Cloud { get; }

    /// <summary>Every flow must have seen what it waits for by then.</summary>
    public DateTime DeadlineUtc { get; }

    /// <summary>How long to wait after the first copy before counting again (a straggling duplicate would be in by then).</summary>
    public TimeSpan Settle { get; }

    /// <summary>
    /// Waits for the events of <paramref name="type"/> from <paramref name="dev"/> that <paramref name="about"/>
    /// accepts, then, after <see cref="Settle"/>, requires exactly one (counted by id) and returns it.
    /// </summary>
    public async Task<CloudEvent> ExactlyOnceAsync(string dev, string type, Func<CloudEvent, bool> about, string what, CancellationToken cancel)
    {
        IReadOnlyList<CloudEvent> found = await MatchingAsync(dev, type, about, cancel);
        while (found.Count == 0)
        {
            if (DateTime.UtcNow > DeadlineUtc)
            {
                throw new SmokeFailure($"no {what} at the cloud stub by the deadline");
            }

            await Task.Delay(PollInterval, cancel);
            found = await MatchingAsync(dev, type, about, cancel);
        }

        await Task.Delay(Settle, cancel);
        found = await MatchingAsync(dev, type, about, cancel);
        string[] ids = found.Select(e => e.Id).Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length != 1 || found.Count != 1)
        {
            throw new SmokeFailure($"{ids.Length} {what} at the cloud stub ({string.Join(", ", ids)}), expected exactly one");
        }

        return found[0];
    }

    /// <summary>Waits until a device shows something (<paramref name="shown"/>); fails at the deadline.</summary>
    public async Task<TimeSpan> UntilShownAsync(Func<bool> shown, string what, CancellationToken cancel)
    {
        DateTime start = DateTime.UtcNow;
        while (!shown())
        {
            if (DateTime.UtcNow > DeadlineUtc)
            {
                throw new SmokeFailure($"{what} not shown by the deadline");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancel);
        }

        return DateTime.UtcNow - start;
    }

    /// <summary>Acknowledges an event at the cloud stub as an operator; it must be the first acknowledgement (201).</summary>
    public async Task AcknowledgeAsync(CloudEvent e, CancellationToken cancel)
    {
        AcknowledgementOutcome outcome = await Cloud.AcknowledgeAsync(e.Id, CommunityConsole.OperatorRole, cancel);
        if (outcome.Status != System.Net.HttpStatusCode.Created)
        {
            throw new SmokeFailure($"acknowledging {e.Id} at the cloud stub answered {(int)outcome.Status} {outcome.Body}");
        }
    }

    private async Task<IReadOnlyList<CloudEvent>> MatchingAsync(string dev, string type, Func<CloudEvent, bool> about, CancellationToken cancel) =>
        (await Cloud.EventsAsync(dev, type, cancel)).Where(about).ToArray();
}
