using System.Collections.Concurrent;
using Eldercare.Edge.Gateway.Health;
using Eldercare.Edge.Gateway.Store;

namespace Eldercare.Edge.Tests.Health;

/// <summary>An <see cref="IGatewayEventAppender"/> that keeps what it is given, with the store's dedup by id (same
/// payload: a duplicate; another payload under a stored id fails the test), and can be told to fail.</summary>
public sealed class RecordingAppender : IGatewayEventAppender
{
    private readonly ConcurrentDictionary<string, EventRecord> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<EventRecord> _stored = new();

    /// <summary>While true every append throws, as a store whose commit fails.</summary>
    public bool Failing { get; set; }

    public int Appends { get; private set; }

    /// <summary>Stored events in order (duplicates not repeated).</summary>
    public IReadOnlyList<EventRecord> Stored => _stored.ToList();

    public Task<AppendOutcome> AppendAsync(EventRecord record, CancellationToken cancellationToken)
    {
        Appends++;
        if (Failing)
        {
            throw new IOException("disk full (test)");
        }

        if (_byId.TryGetValue(record.Id, out var earlier))
        {
            Assert.AreEqual(earlier.Payload, record.Payload, $"one id, one payload: {record.Id}");
            return Task.FromResult(AppendOutcome.Duplicate);
        }

        _byId[record.Id] = record;
        _stored.Enqueue(record);
        return Task.FromResult(AppendOutcome.Stored);
    }
}
