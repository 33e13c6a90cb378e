using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// <c>console.db</c> beside <c>events.db</c>: the desk's own file (users, elders' records, the alarm book, notes, the
/// audit trail, its read cursor into the event store), never the event store's tables, so the desk can neither slow
/// nor corrupt ingest. One connection under a lock: a desk writes a few rows a minute, and a lock makes each action
/// (its row change and its audit line) one transaction without a second writer to wait on.
/// </summary>
public sealed class ConsoleDatabase : IDisposable
{
    public const string FileName = "console.db";

    private readonly SqliteConnection _connection;
    private readonly object _lock = new();

    private ConsoleDatabase(SqliteConnection connection) => _connection = connection;

    /// <summary>Opens (creating or upgrading, see <see cref="ConsoleSchema"/>) <c>console.db</c> in <paramref name="dataDirectory"/>.</summary>
    public static ConsoleDatabase Open(string dataDirectory, long nowUnixMilliseconds)
    {
        Directory.CreateDirectory(dataDirectory);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, FileName),
            Pooling = false,
        }.ToString());
        connection.Open();
        try
        {
            ConsoleSchema.Upgrade(connection, nowUnixMilliseconds);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return new ConsoleDatabase(connection);
    }

    /// <summary>Runs <paramref name="work"/> in one transaction (committed when it returns, rolled back when it throws).</summary>
    public T Write<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            var result = work(_connection, transaction);
            transaction.Commit();
            return result;
        }
    }

    /// <summary>Runs a read under the lock (a consistent view: no write of this desk is half done).</summary>
    public T Read<T>(Func<SqliteConnection, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_lock)
        {
            return work(_connection);
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
