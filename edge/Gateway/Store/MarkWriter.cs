using System.Text;
using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// Applies a forward queue's marks inside the writer's transaction (<see cref="SqliteWriter"/>): each id leaves its
/// queue's backlog; a mark in store order is then only the queue's floor (<see cref="ForwardFloors"/>, written before
/// the commit), while a row the floor does not pass (marked out of store order), a rejection, and a row stored in this
/// same transaction (an express alarm answered before its commit) are marked in their column, one statement per batch
/// (the store sequences as one JSON array: rowid lookups). An id no longer pending that was evicted while its batch was
/// in flight did reach the cloud: its tombstone says so. Writer thread only.
/// </summary>
internal sealed class MarkWriter : IDisposable
{
    private readonly ForwardFloors _floors;
    private readonly SqliteCommand _mark;
    private readonly SqliteParameter _state;
    private readonly SqliteParameter _at;
    private readonly SqliteParameter _sequences;
    private readonly SqliteCommand _relabel;
    private readonly SqliteParameter _ids;
    private readonly List<long> _marked = [];
    private readonly StringBuilder _list = new();

    public MarkWriter(SqliteConnection connection, ForwardFloors floors)
    {
        _floors = floors;
        _mark = connection.CreateCommand();
        _mark.CommandText = "UPDATE events SET forwarded = $state, forwarded_at = $at WHERE seq_no IN (SELECT value FROM json_each($seqs)) AND forwarded = 0";
        _state = _mark.Parameters.Add("$state", SqliteType.Integer);
        _at = _mark.Parameters.Add("$at", SqliteType.Integer);
        _sequences = _mark.Parameters.Add("$seqs", SqliteType.Text);
        _relabel = connection.CreateCommand();
        _relabel.CommandText = "UPDATE tombstones SET reason = 'forwarded' WHERE id IN (SELECT value FROM json_each($ids)) AND reason = 'quota'";
        _ids = _relabel.Parameters.Add("$ids", SqliteType.Text);
    }

    /// <summary>Rows of the open transaction marked in it: they never join a backlog (the writer clears it per transaction).</summary>
    public HashSet<long> MarkedNow { get; } = [];

    /// <summary>Marks the request's ids; returns how many were pending.</summary>
    /// <param name="lastBefore">The last store sequence committed before this transaction.</param>
    public int Apply(MarkRequest request, IdIndex ids, SqliteTransaction transaction, long lastBefore, long nowUnixMilliseconds)
    {
        var backlog = _floors[request.QueueIndex];
        _marked.Clear();
        foreach (var id in request.Ids)
        {
            if (ids.SequenceOf(id) is { } sequence && (sequence > lastBefore ? MarkedNow.Add(sequence) : backlog.Remove(sequence)))
            {
                _marked.Add(sequence);
            }
        }

        // A row of this transaction is above every floor.
        var floor = backlog.Floor(lastBefore);
        _list.Clear().Append('[');
        foreach (var sequence in _marked)
        {
            if (request.State != ForwardState.Forwarded || sequence > floor)
            {
                _list.Append(_list.Length > 1 ? "," : string.Empty).Append(sequence);
            }
        }

        if (_list.Length > 1)
        {
            _mark.Transaction = transaction;
            _state.Value = (int)request.State;
            _at.Value = nowUnixMilliseconds;
            _sequences.Value = _list.Append(']').ToString();
            _mark.ExecuteNonQuery();
        }

        if (_marked.Count < request.Ids.Count && request.State == ForwardState.Forwarded)
        {
            // Some were no longer pending: an id evicted while its batch was in flight did reach the cloud (ids in
            // events are never in tombstones, so all ids can be given).
            _relabel.Transaction = transaction;
            _ids.Value = request.IdsJson;
            _relabel.ExecuteNonQuery();
        }

        return _marked.Count;
    }

    public void Dispose()
    {
        _mark.Dispose();
        _relabel.Dispose();
    }
}
