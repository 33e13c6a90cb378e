using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Tests.Support;

/// <summary>Reads the gateway's SQLite file directly, from a separate connection: what is on disk, not what the process thinks.</summary>
public static class GatewayDatabase
{
    public static long Count(string databasePath, string? id = null)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM events WHERE $id IS NULL OR id = $id";
        command.Parameters.AddWithValue("$id", (object?)id ?? DBNull.Value);
        return (long)command.ExecuteScalar()!;
    }
}
