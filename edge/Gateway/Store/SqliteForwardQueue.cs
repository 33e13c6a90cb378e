using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// One (lane, shard) of the SQLite store: reads list the queue's pending rows after the stream's cursor from its
/// backlog (<see cref="ForwardFloors"/>) and fetch them by rowid; marks go through the writer (urgent lanes' on its
/// priority queue, so an alarm's marks never wait behind a telemetry batch's commit).
/// </summary>
internal sealed class SqliteForwardQueue : IForwardQueue
{
    private readonly LaneReader _reader;
    private readonly SqliteWriter _writer;

    private readonly ForwardFloors _floors;
    private readonly int _index;

    public SqliteForwardQueue(Lane lane, int shard, int index, ForwardFloors floors, LaneReader reader, SqliteWriter writer, WakeSignal newEvents)
    {
        Lane = lane;
        Shard = shard;
        _index = index;
        _floors = floors;
        _reader = reader;
        _writer = writer;
        NewEvents = newEvents;
    }

    public Lane Lane { get; }

    public int Shard { get; }

    public WakeSignal NewEvents { get; }

    /// <summary>Completes synchronously: the read is rowid seeks into the page cache, done on the caller's thread (an
    /// alarm stream's own thread never waits for the thread pool).</summary>
    public ValueTask<IReadOnlyList<EventRecord>> ReadAfterAsync(long afterStoreSequence, int maxCount, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IReadOnlyList<EventRecord>>(_reader.Read(_floors[_index], afterStoreSequence, maxCount));
    }

    public Task<int> MarkAsync(IReadOnlyCollection<string> ids, ForwardState state)
    {
        if (ids.Count == 0)
        {
            return Task.FromResult(0);
        }

        var request = new MarkRequest(ids, state, _index);
        var enqueued = _writer.EnqueueAsync(request, Lane.Urgent, CancellationToken.None);
        return enqueued.IsCompletedSuccessfully ? request.Completion.Task : AfterRoomAsync(enqueued, request);

        static async Task<int> AfterRoomAsync(ValueTask enqueued, MarkRequest request)
        {
            await enqueued.ConfigureAwait(false);
            return await request.Completion.Task.ConfigureAwait(false);
        }
    }
}
