using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>At open, before the backlogs are read: a lane's rows sharded again when its stream count changed.</summary>
internal static class LaneReshard
{
    /// <summary>
    /// A lane whose stream count is not the one its rows were sharded for (a changed <c>Gateway:Forwarder:*Streams</c>,
    /// a store of an older gateway, a new store): in one transaction, the done rows above the lane's lowest floor are
    /// marked in their column (forwarded now, as far as the retention prune knows), the pending ones get the shard of
    /// the new count, and every shard's floor becomes that lowest floor.
    /// </summary>
    public static void IfChanged(SqliteConnection writer, Lane lane, long nowUnixMilliseconds)
    {
        using var transaction = writer.BeginTransaction();
        using var command = writer.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT shards FROM lane_shards WHERE lane = $lane";
        command.Parameters.AddWithValue("$lane", lane.Code);
        if (command.ExecuteScalar() is long shards && shards == lane.Shards)
        {
            return;
        }

        var floors = ForwardFloors.ReadFloors(writer, transaction).Where(f => f.Key.Lane == lane.Code).ToDictionary(f => f.Key.Shard, f => f.Value);
        var lowest = floors.Count == 0 ? 0 : floors.Values.Min();
        var done = new List<long>();
        var moved = new List<(long StoreSequence, int Shard)>();
        command.CommandText = "SELECT seq_no, dev, shard, forwarded FROM events WHERE lane = $lane AND seq_no > $lowest";
        command.Parameters.AddWithValue("$lowest", lowest);
        using (var rows = command.ExecuteReader())
        {
            while (rows.Read())
            {
                var (sequence, shard, forwarded) = (rows.GetInt64(0), rows.GetInt32(2), rows.GetInt32(3));
                if (forwarded != 0)
                {
                    continue;
                }

                if (floors.TryGetValue(shard, out var floor) && sequence <= floor)
                {
                    done.Add(sequence);
                }
                else if (lane.ShardOf(rows.GetString(1)) is var now && now != shard)
                {
                    moved.Add((sequence, now));
                }
            }
        }

        command.Parameters.Clear();
        command.CommandText = "UPDATE events SET forwarded = 1, forwarded_at = $at WHERE seq_no = $seq";
        command.Parameters.AddWithValue("$at", nowUnixMilliseconds);
        var seq = command.Parameters.Add("$seq", SqliteType.Integer);
        foreach (var sequence in done)
        {
            seq.Value = sequence;
            command.ExecuteNonQuery();
        }

        command.Parameters.RemoveAt("$at");
        command.CommandText = "UPDATE events SET shard = $shard WHERE seq_no = $seq";
        var shardValue = command.Parameters.Add("$shard", SqliteType.Integer);
        foreach (var (sequence, shard) in moved)
        {
            (seq.Value, shardValue.Value) = (sequence, shard);
            command.ExecuteNonQuery();
        }

        command.Parameters.Clear();
        command.CommandText = "DELETE FROM forward_floors WHERE lane = $lane";
        command.Parameters.AddWithValue("$lane", lane.Code);
        command.ExecuteNonQuery();
        command.CommandText = "INSERT INTO forward_floors(lane, shard, floor) VALUES($lane, $shard, $floor)";
        var s = command.Parameters.Add("$shard", SqliteType.Integer);
        command.Parameters.AddWithValue("$floor", lowest);
        for (var shard = 0; shard < lane.Shards; shard++)
        {
            s.Value = shard;
            command.ExecuteNonQuery();
        }

        command.Parameters.Clear();
        command.CommandText = "INSERT OR REPLACE INTO lane_shards(lane, shards) VALUES($lane, $shards)";
        command.Parameters.AddWithValue("$lane", lane.Code);
        command.Parameters.AddWithValue("$shards", lane.Shards);
        command.ExecuteNonQuery();
        transaction.Commit();
    }

}
