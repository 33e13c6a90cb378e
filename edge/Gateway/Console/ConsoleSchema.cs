using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// The tables of <c>console.db</c>, versioned with <c>PRAGMA user_version</c>: each step of <see cref="Steps"/> runs once,
/// in order, in one transaction with the version bump, so an upgrade keeps every row (never a rewrite, only additions)
/// and a crash mid-upgrade leaves the older version intact. A file from a newer gateway is refused, not guessed at.
/// </summary>
public static class ConsoleSchema
{
    // Append a step for every change; never edit one that shipped (a store on disk has run it).
    private static readonly string[] Steps =
    [
        // 1: the first desk.
        """
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE users(
          name TEXT PRIMARY KEY,
          role TEXT NOT NULL,
          hash TEXT NOT NULL,
          failures INTEGER NOT NULL DEFAULT 0,
          locked_until INTEGER NOT NULL DEFAULT 0,
          created INTEGER NOT NULL);
        CREATE TABLE elders(
          id INTEGER PRIMARY KEY,
          record_no TEXT NOT NULL UNIQUE,
          name TEXT NOT NULL,
          address TEXT NOT NULL,
          contacts TEXT NOT NULL,
          updated INTEGER NOT NULL);
        CREATE TABLE elder_devices(
          device TEXT PRIMARY KEY,
          elder_id INTEGER NOT NULL REFERENCES elders(id) ON DELETE CASCADE);
        CREATE TABLE elder_cards(
          card_hash TEXT PRIMARY KEY,
          elder_id INTEGER NOT NULL REFERENCES elders(id) ON DELETE CASCADE,
          hint TEXT NOT NULL);
        CREATE TABLE alarms(
          event_id TEXT PRIMARY KEY,
          kind TEXT NOT NULL,
          type TEXT NOT NULL,
          source TEXT NOT NULL,
          device TEXT NOT NULL,
          priority INTEGER NOT NULL,
          received INTEGER NOT NULL,
          device_ts INTEGER NOT NULL,
          battery INTEGER,
          lat INTEGER,
          lon INTEGER,
          service TEXT,
          card_hash TEXT,
          info TEXT,
          state TEXT NOT NULL,
          taken_by TEXT,
          taken_at INTEGER,
          escalated_at INTEGER,
          closed_by TEXT,
          closed_at INTEGER,
          outcome TEXT,
          provider TEXT,
          platform_ack_by TEXT,
          platform_ack_at INTEGER);
        CREATE INDEX alarms_open ON alarms(kind, priority, received) WHERE state <> 'closed';
        CREATE INDEX alarms_received ON alarms(received);
        CREATE INDEX alarms_device ON alarms(device, received);
        CREATE TABLE notes(
          id INTEGER PRIMARY KEY,
          event_id TEXT NOT NULL,
          by TEXT NOT NULL,
          at INTEGER NOT NULL,
          text TEXT NOT NULL);
        CREATE INDEX notes_event ON notes(event_id);
        CREATE TABLE audit(
          id INTEGER PRIMARY KEY,
          at INTEGER NOT NULL,
          by TEXT NOT NULL,
          action TEXT NOT NULL,
          subject TEXT,
          detail TEXT);
        CREATE TABLE cursors(lane INTEGER PRIMARY KEY, seq_no INTEGER NOT NULL);
        CREATE TABLE devices_seen(device TEXT PRIMARY KEY, battery INTEGER, at INTEGER NOT NULL);
        """,

        // 2: the alarm_taken events for the platform, kept with the take until the event store has them.
        """
        CREATE TABLE upstream(
          id TEXT PRIMARY KEY,
          boot INTEGER NOT NULL,
          seq INTEGER NOT NULL,
          payload TEXT NOT NULL,
          made_at INTEGER NOT NULL,
          appended INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX upstream_waiting ON upstream(id) WHERE appended = 0;
        """,

        // 3: a stamp per user, new at every password or role change: sessions signed in before it end.
        """
        ALTER TABLE users ADD COLUMN stamp TEXT NOT NULL DEFAULT '';
        UPDATE users SET stamp = lower(hex(randomblob(16)));
        """,
    ];

    /// <summary>The version this gateway writes.</summary>
    public static int CurrentVersion => Steps.Length;

    /// <summary>Brings the file to <see cref="CurrentVersion"/>; records when the desk was created (events older than
    /// that are booked as history, not as alarms waiting for an answer).</summary>
    public static void Upgrade(SqliteConnection connection, long nowUnixMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Execute(connection, null, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;");
        var version = Version(connection);
        if (version > CurrentVersion)
        {
            throw new InvalidDataException($"console.db is at schema version {version}, newer than this gateway's {CurrentVersion}: run the newer gateway, or restore the file it replaced");
        }

        for (var step = version; step < Steps.Length; step++)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, transaction, Steps[step]);
            if (step == 0)
            {
                using var created = connection.CreateCommand();
                created.Transaction = transaction;
                created.CommandText = "INSERT INTO meta(key, value) VALUES('created', $now)";
                created.Parameters.AddWithValue("$now", nowUnixMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
                created.ExecuteNonQuery();
            }

            Execute(connection, transaction, $"PRAGMA user_version={step + 1}");
            transaction.Commit();
        }
    }

    public static int Version(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
