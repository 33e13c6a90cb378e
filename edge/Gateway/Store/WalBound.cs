using Eldercare.Edge.Gateway.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// Keeps the write-ahead log within <see cref="StoreOptions.MaxWalMegabytes"/>. The checkpointer copies frames into
/// the database (PASSIVE) but cannot restart a log that a reader or the next commit still uses, so under sustained
/// writes the log only grew. Past half the bound, between two commits and with no alarm queued, the writer runs a
/// RESTART checkpoint itself with a short busy timeout (a reader holding the log makes it give up at once and try
/// after a later commit): the next commit then writes the log from its start, and SQLite truncates the file to the
/// bound (journal_size_limit). Used by the writer thread only.
/// </summary>
internal sealed class WalBound : IDisposable
{
    private readonly StoreOptions _options;
    private readonly SqliteConnection _connection;
    private readonly StoreCounters _counters;
    private readonly ILogger _logger;
    private readonly SqliteCommand _restartCheckpoint;
    private long _checkedAt;

    public WalBound(StoreOptions options, SqliteConnection connection, StoreCounters counters, ILogger logger)
    {
        _options = options;
        _connection = connection;
        _counters = counters;
        _logger = logger;
        _restartCheckpoint = connection.CreateCommand();
        // A short wait for readers: the writer must not stall an alarm behind a long checkpoint wait.
        _restartCheckpoint.CommandText = "PRAGMA busy_timeout=20; PRAGMA wal_checkpoint(RESTART); PRAGMA busy_timeout=5000;";
    }

    /// <summary>After a commit: restarts the log when it is past half its bound, at most every 250 ms, never while
    /// <paramref name="alarmsQueued"/> (an alarm's commit must not wait for it).</summary>
    public void BoundBetweenCommits(bool alarmsQueued)
    {
        var now = Environment.TickCount64;
        if (now - _checkedAt < 250)
        {
            return;
        }

        _checkedAt = now;
        var wal = new FileInfo(_options.DatabasePath + "-wal");
        if (!wal.Exists || wal.Length <= (long)_options.MaxWalMegabytes * 1024 * 1024 / 2 || alarmsQueued)
        {
            return;
        }

        try
        {
            _restartCheckpoint.ExecuteNonQuery();
            _counters.WalRestarted();
        }
        catch (SqliteException exception)
        {
            // The command ends by putting the busy timeout back; a failure before that must not leave it at 20 ms.
            SqliteSchema.Execute(_connection, "PRAGMA busy_timeout=5000;");
            _logger.LogDebug("wal restart checkpoint deferred: {Error}", exception.Message);
        }
    }

    public void Dispose() => _restartCheckpoint.Dispose();
}
