using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Tests.Support;

/// <summary>Reads the gateway's SQLite file directly, from a separate connection: what is on disk, not what the process thinks.</summary>
public static class GatewayDatabase
{
    public static long Count(string databasePath, string? id = null, int? forwarded = null)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM events WHERE ($id IS NULL OR id = $id) AND ($f IS NULL OR forwarded = $f)";
        command.Parameters.AddWithValue("$id", (object?)id ?? DBNull.Value);
        command.Parameters.AddWithValue("$f", (object?)forwarded ?? DBNull.Value);
        return (long)command.ExecuteScalar()!;
    }
}
