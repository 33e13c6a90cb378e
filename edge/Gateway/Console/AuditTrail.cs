using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// Who did what, when: one row per action, written in the same transaction as the change it records (an action
/// without its audit line, or the other way round, cannot happen). Subjects are event ids, user names and elder record
/// numbers; the trail stays in console.db, never in the log (the detail may hold a note's text).
/// </summary>
public static class AuditTrail
{
    /// <summary>The actor of what the gateway does by itself (booking an alarm, escalation, a device's cancel).</summary>
    public const string System = "system";

    public static void Record(SqliteConnection connection, SqliteTransaction transaction, long at, string by, string action, string? subject, string? detail = null) =>
        Sql.Execute(connection, transaction, "INSERT INTO audit(at, by, action, subject, detail) VALUES($at, $by, $action, $subject, $detail)",
            ("$at", at), ("$by", by), ("$action", action), ("$subject", subject), ("$detail", detail));

    public static IReadOnlyList<AuditEntry> Latest(ConsoleDatabase database, int count, string? subject = null) =>
        database.Read(c => Sql.Query(c, null,
            "SELECT at, by, action, subject, detail FROM audit WHERE ($subject IS NULL OR subject = $subject) ORDER BY id DESC LIMIT $n",
            r => new AuditEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), r.Text(3), r.Text(4)),
            ("$subject", subject), ("$n", count)));
}

/// <summary>One line of the audit trail.</summary>
public sealed record AuditEntry(long At, string By, string Action, string? Subject, string? Detail);
