using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Store;
using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// The desk's read-only connection to events.db: what was stored in a kept lane (alarm, service) after a cursor
/// (through the store's <c>events_feed</c> index, <see cref="SqliteSchema.FeedLanes"/>: a seek, nothing read when
/// nothing is new) and the alarms still held for the platform
/// (the same index from the lane's lowest floor, <see cref="ForwardFloors.PendingTerm"/>). A WAL reader never blocks the store's writer, and the desk waits on no
/// signal of the store, so it can neither slow ingest nor take a forward stream's wake-up.
/// </summary>
public sealed class StoreFeedReader : IDisposable
{
    private readonly SqliteConnection _connection;
    private static readonly string FeedQuery =
        $"SELECT seq_no, payload, rx, conflict_of FROM events INDEXED BY events_feed WHERE {SqliteSchema.FeedLanes} AND lane = $lane AND seq_no > $after ORDER BY seq_no LIMIT $n";

    private readonly object _lock = new();

    public StoreFeedReader(StoreOptions store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = store.DatabasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        _connection.Open();
        Sql.Execute(_connection, null, "PRAGMA busy_timeout=5000; PRAGMA cache_size=-1024;");
    }

    /// <summary>Up to <paramref name="max"/> events of <paramref name="lane"/> stored after <paramref name="after"/>, in
    /// store order (a conflicting payload kept under a derived id is a device fault, not an alarm: left out).</summary>
    public IReadOnlyList<StoredEvent> ReadAfter(Lane lane, long after, int max)
    {
        ArgumentNullException.ThrowIfNull(lane);
        if (lane.Evictable)
        {
            throw new ArgumentException($"the {lane.Name} lane has no feed (evictable lanes are not in events_feed)", nameof(lane));
        }

        lock (_lock)
        {
            return Sql.Query(_connection, null,
                FeedQuery,
                r => new StoredEvent(r.GetInt64(0), r.GetString(1), r.GetInt64(2), !r.IsDBNull(3)),
                ("$lane", lane.Code), ("$after", after), ("$n", max));
        }
    }

    /// <summary>Alarms stored and not yet forwarded: how many, and when the oldest was received.</summary>
    public (long Count, long? OldestReceived) HeldAlarms(Lane alarmLane)
    {
        lock (_lock)
        {
            var row = Sql.Query(_connection, null,
                $"SELECT COUNT(*), MIN(rx) FROM events INDEXED BY events_feed WHERE {SqliteSchema.FeedLanes} AND lane = $lane AND seq_no > (SELECT COALESCE(MIN(floor), 0) FROM forward_floors WHERE lane = $lane) AND {ForwardFloors.PendingTerm}",
                r => (r.GetInt64(0), r.Number(1)), ("$lane", alarmLane.Code));
            return row[0];
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _connection.Dispose();
        }
    }
}

/// <summary>One row of the store as the desk reads it.</summary>
public sealed record StoredEvent(long StoreSequence, string Payload, long ReceivedUnixMilliseconds, bool IsConflict);
