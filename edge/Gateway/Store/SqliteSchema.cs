using Eldercare.Edge.Gateway.Configuration;
using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// The store's tables, indexes and pragmas, and the upgrade of a store an older gateway wrote (columns added, the
/// <c>ids</c> table filled from its rows once; never a data rewrite: a lane's changed stream count is
/// <see cref="ForwardFloors"/>' own). Run once, on the writer connection, before anything else opens the file.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>
    /// The predicate of <c>events_feed (lane, seq_no)</c>: the lanes kept until forwarded (alarm, service), the ones a
    /// reader follows in store order (the console's desk feed). A reader of the index repeats this term in its WHERE
    /// (SQLite uses a partial index only when the query names its predicate) and adds <c>INDEXED BY events_feed</c>.
    /// Telemetry, evictable and most of the rows, is left out: an index over every row wrote ~3 of its pages per commit
    /// at 85 events/s, and its readers (the quota's eviction, oldest first) walk the table in store order instead.
    /// </summary>
    public static readonly string FeedLanes = $"lane IN ({string.Join(", ", LaneSet.KeptCodes)})";

    public static string ConnectionString(StoreOptions options) => new SqliteConnectionStringBuilder
    {
        DataSource = options.DatabasePath,
        Pooling = false,
    }.ToString();

    /// <summary>Opens the writer connection of a new or existing store and brings its schema up to date.</summary>
    /// <param name="nowUnixMilliseconds">The store clock's time: the dedup window of the ids an upgrade copies starts then.</param>
    public static SqliteConnection OpenWriter(StoreOptions options, long nowUnixMilliseconds)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var isNew = !File.Exists(options.DatabasePath);
        var writer = new SqliteConnection(ConnectionString(options));
        writer.Open();
        if (isNew)
        {
            // 1 KB pages for a new store (SQLite's default is 4 KB): a commit writes every page it touched to the WAL
            // in full, and a heartbeat touches a leaf of the id index of its own (ids of different devices), so the
            // page size is the bytes written per event at a community's rate (2.5 instead of 6.4 KB per event with
            // 17 heartbeats per commit, measured). Must precede WAL mode; an existing store keeps its page size.
            Execute(writer, "PRAGMA page_size=1024;");
        }

        var hadEvents = !isNew && TableExists(writer, "events");
        var hadIds = !isNew && TableExists(writer, "ids");

        // synchronous=FULL stays (every commit fsyncs the WAL). The rest only saves work: a page cache that holds
        // the hot B-tree pages (default 2 MB made every insert re-read index pages), temp b-trees in memory,
        // and checkpoints off the writer (wal_autocheckpoint=0 here, SqliteCheckpointer on its own connection
        // copies WAL pages to the database and fsyncs it, without blocking commits).
        Execute(writer, $"""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            PRAGMA busy_timeout=5000;
            PRAGMA cache_size=-32768;
            PRAGMA temp_store=MEMORY;
            PRAGMA wal_autocheckpoint=0;
            PRAGMA journal_size_limit={(long)options.MaxWalMegabytes * 1024 * 1024};
            CREATE TABLE IF NOT EXISTS events(
              seq_no INTEGER PRIMARY KEY,
              id TEXT NOT NULL,
              lane INTEGER NOT NULL,
              dev TEXT NOT NULL,
              boot INTEGER NOT NULL,
              seq INTEGER NOT NULL,
              type TEXT NOT NULL,
              ts INTEGER NOT NULL,
              rx INTEGER NOT NULL,
              payload TEXT NOT NULL,
              forwarded INTEGER NOT NULL DEFAULT 0,
              forwarded_at INTEGER);
            CREATE TABLE IF NOT EXISTS lane_shards(
              lane INTEGER PRIMARY KEY,
              shards INTEGER NOT NULL);
            """);
        StoreHousekeeping.CreateSchema(writer);
        AddColumnIfMissing(writer, "events", "skew_ms", "INTEGER");
        // One id, one payload (docs/wire-format.md): the digest tells a resend from a reused id; rows of an older
        // gateway have none and count as the same payload (a resend), as they did then.
        AddColumnIfMissing(writer, "events", "digest", "INTEGER");
        AddColumnIfMissing(writer, "events", "fault", "TEXT");
        AddColumnIfMissing(writer, "events", "conflict_of", "TEXT");
        AddColumnIfMissing(writer, "tombstones", "digest", "INTEGER");
        // The shard of the row's lane, computed in C# at append (ShardRule, its one owner): the forward queue it
        // belongs to (ForwardFloors: a queue's pending rows are held in memory and read by rowid, no per-row index).
        AddColumnIfMissing(writer, "events", "shard", "INTEGER NOT NULL DEFAULT 0");
        Execute(writer, "DROP INDEX IF EXISTS events_pending;");
        ForwardFloors.CreateSchema(writer);
        CreateFeedIndex(writer);
        CreateIds(writer, copyFromEvents: hadEvents && !hadIds, nowUnixMilliseconds);
        return writer;
    }

    /// <summary>Opens another connection (readers, the checkpointer) once the writer has set the store up.</summary>
    public static SqliteConnection OpenOther(StoreOptions options, string pragmas)
    {
        var connection = new SqliteConnection(ConnectionString(options));
        connection.Open();
        Execute(connection, pragmas);
        return connection;
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// <c>events_feed</c> over the kept lanes (<see cref="FeedLanes"/>). A store of an older gateway had
    /// <c>events_lane_order (lane, seq_no)</c> over every row: dropped, and the feed index built once from the kept
    /// lanes' rows (one pass over the table at that start). A feed index of another predicate (the kept lanes changed)
    /// is built again the same way.
    /// </summary>
    private static void CreateFeedIndex(SqliteConnection writer)
    {
        var wanted = $"CREATE INDEX events_feed ON events(lane, seq_no) WHERE {FeedLanes}";
        using var stored = writer.CreateCommand();
        stored.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'events_feed'";
        var existing = stored.ExecuteScalar() as string;
        using var transaction = writer.BeginTransaction();
        using var command = writer.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = existing == wanted
            ? "DROP INDEX IF EXISTS events_lane_order;"
            : $"DROP INDEX IF EXISTS events_lane_order; DROP INDEX IF EXISTS events_feed; {wanted};";
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>
    /// The dedup key (<see cref="IdIndex"/>): <c>ids</c> keyed by id (no unique index on <c>events.id</c> in a store
    /// made since; a store of an older gateway keeps its <c>UNIQUE</c>, which SQLite cannot drop without rebuilding the
    /// table, and pays its index leaf per event as before), <c>id_batches</c>, the store sequence each batch of ids
    /// covers, and <c>id_expiry</c>, the ids of removed rows in the order they were removed (appended, so cheap to
    /// write; an index on <c>ids.seq_no</c> cost as many pages as the ids themselves). An older store's rows are copied
    /// into <c>ids</c> once, covered up to its last row.
    /// </summary>
    private static void CreateIds(SqliteConnection writer, bool copyFromEvents, long nowUnixMilliseconds)
    {
        using var transaction = writer.BeginTransaction();
        using var command = writer.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS ids(
              id TEXT PRIMARY KEY,
              seq_no INTEGER NOT NULL,
              digest INTEGER) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS id_batches(
              through_seq INTEGER PRIMARY KEY,
              at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS id_expiry(
              n INTEGER PRIMARY KEY,
              at INTEGER NOT NULL,
              id TEXT NOT NULL);
            """;
        command.ExecuteNonQuery();
        if (copyFromEvents)
        {
            command.CommandText = """
                INSERT OR IGNORE INTO ids(id, seq_no, digest) SELECT id, seq_no, digest FROM events;
                INSERT INTO id_batches(through_seq, at) SELECT MAX(seq_no), $now FROM events HAVING COUNT(*) > 0;
                """;
            command.Parameters.AddWithValue("$now", nowUnixMilliseconds);
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private static bool TableExists(SqliteConnection connection, string table)
    {
        using var check = connection.CreateCommand();
        check.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
        check.Parameters.AddWithValue("$name", table);
        return (long)check.ExecuteScalar()! > 0;
    }

    private static void AddColumnIfMissing(SqliteConnection connection, string table, string column, string type)
    {
        using var check = connection.CreateCommand();
        check.CommandText = "SELECT COUNT(*) FROM pragma_table_info($table) WHERE name = $name";
        check.Parameters.AddWithValue("$table", table);
        check.Parameters.AddWithValue("$name", column);
        if ((long)check.ExecuteScalar()! == 0)
        {
            Execute(connection, $"ALTER TABLE {table} ADD COLUMN {column} {type}");
        }
    }
}
