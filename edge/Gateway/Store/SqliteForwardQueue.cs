using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// One (lane, shard) of the SQLite store: reads seek the partial index <c>events_queue (lane, shard, seq_no) WHERE
/// forwarded = 0</c> after the stream's cursor; marks go through the writer (urgent lanes' on its priority queue, so an
/// alarm's marks never wait behind a telemetry batch's commit).
/// </summary>
internal sealed class SqliteForwardQueue : IForwardQueue
{
    private readonly LaneReader _reader;
    private readonly SqliteWriter _writer;

    public SqliteForwardQueue(Lane lane, int shard, LaneReader reader, SqliteWriter writer, WakeSignal newEvents)
    {
        Lane = lane;
        Shard = shard;
        _reader = reader;
        _writer = writer;
        NewEvents = newEvents;
    }

    public Lane Lane { get; }

    public int Shard { get; }

    public WakeSignal NewEvents { get; }

    /// <summary>Completes synchronously: the read is a seek into the page cache, done on the caller's thread (an alarm
    /// stream's own thread never waits for the thread pool).</summary>
    public ValueTask<IReadOnlyList<EventRecord>> ReadAfterAsync(long afterStoreSequence, int maxCount, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IReadOnlyList<EventRecord>>(_reader.Read(Shard, afterStoreSequence, maxCount));
    }

    public Task<int> MarkAsync(IReadOnlyCollection<string> ids, ForwardState state)
    {
        if (ids.Count == 0)
        {
            return Task.FromResult(0);
        }

        var request = new MarkRequest(ids, state);
        var enqueued = _writer.EnqueueAsync(request, Lane.Urgent, CancellationToken.None);
        return enqueued.IsCompletedSuccessfully ? request.Completion.Task : AfterRoomAsync(enqueued, request);

        static async Task<int> AfterRoomAsync(ValueTask enqueued, MarkRequest request)
        {
            await enqueued.ConfigureAwait(false);
            return await request.Completion.Task.ConfigureAwait(false);
        }
    }
}
