using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// The desk's operators: passwords hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2,
/// salted, versioned: a stronger default in a later framework rehashes at the next login), a lock-out after
/// <see cref="ConsoleOptions.LockoutFailures"/> wrong passwords in a row for <see cref="ConsoleOptions.LockoutMinutes"/>,
/// every login and refusal in the audit trail. An unknown name is refused exactly like a wrong password.
/// </summary>
public sealed partial class ConsoleUsers
{
    public const string Operator = "operator";
    public const string Supervisor = "supervisor";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> Roles = [Operator, Supervisor, Admin];

    public const int MinimumPasswordLength = 8;

    private static readonly PasswordHasher<ConsoleUser> Hasher = new();

    private readonly ConsoleDatabase _database;
    private readonly int _lockoutFailures;
    private readonly long _lockoutMilliseconds;

    public ConsoleUsers(ConsoleDatabase database, ConsoleOptions options)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        _database = database;
        _lockoutFailures = options.LockoutFailures;
        _lockoutMilliseconds = options.LockoutMinutes * 60_000L;
    }

    /// <summary>Why a name or password cannot be used, or null when it can.</summary>
    public static string? Problem(string? name, string? role, string? password)
    {
        if (name is null || !NamePattern().IsMatch(name))
        {
            return "a user name is 2-32 of a-z, 0-9, '.', '_', '-'";
        }

        if (role is null || !Roles.Contains(role))
        {
            return $"the role must be one of {string.Join(", ", Roles)}";
        }

        return password is null || password.Length < MinimumPasswordLength ? $"a password needs at least {MinimumPasswordLength} characters" : null;
    }

    /// <summary>Adds a user, or replaces the password and role of an existing one (and unlocks it).</summary>
    public void Upsert(string name, string role, string password, string by, long now)
    {
        var problem = Problem(name, role, password);
        if (problem is not null)
        {
            throw new ArgumentException(problem);
        }

        var hash = Hasher.HashPassword(new ConsoleUser(name, role), password);
        _database.Write((c, t) =>
        {
            Sql.Execute(c, t, """
                INSERT INTO users(name, role, hash, created, stamp) VALUES($n, $r, $h, $now, $stamp)
                ON CONFLICT(name) DO UPDATE SET role = $r, hash = $h, failures = 0, locked_until = 0, stamp = $stamp
                """, ("$n", name), ("$r", role), ("$h", hash), ("$now", now), ("$stamp", Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))));
            AuditTrail.Record(c, t, now, by, "user_set", name, role);
            return 0;
        });
    }

    public IReadOnlyList<(string Name, string Role, bool Locked)> List(long now) =>
        _database.Read(c => Sql.Query(c, null, "SELECT name, role, locked_until FROM users ORDER BY name", r => (r.GetString(0), r.GetString(1), r.GetInt64(2) > now)));

    public LoginResult Login(string? name, string? password, long now)
    {
        name ??= string.Empty;
        password ??= string.Empty;
        return _database.Write((c, t) =>
        {
            var row = Sql.Query(c, t, "SELECT role, hash, failures, locked_until, stamp FROM users WHERE name = $n",
                r => (Role: r.GetString(0), Hash: r.GetString(1), Failures: r.GetInt32(2), LockedUntil: r.GetInt64(3), Stamp: r.GetString(4)), ("$n", name));
            var subject = NamePattern().IsMatch(name) ? name : "(invalid name)";
            if (row.Count == 0)
            {
                // Same work as a wrong password, so timing does not tell which names exist.
                Hasher.VerifyHashedPassword(new ConsoleUser(name, Operator), DummyHash.Value, password);
                AuditTrail.Record(c, t, now, subject, "login_refused", subject, "unknown");
                return new LoginResult(LoginOutcome.Refused, null, null);
            }

            var user = row[0];
            if (user.LockedUntil > now)
            {
                AuditTrail.Record(c, t, now, name, "login_refused", name, "locked");
                return new LoginResult(LoginOutcome.Locked, null, null);
            }

            var verified = Hasher.VerifyHashedPassword(new ConsoleUser(name, user.Role), user.Hash, password);
            if (verified == PasswordVerificationResult.Failed)
            {
                var failures = user.Failures + 1;
                var locks = failures >= _lockoutFailures;
                Sql.Execute(c, t, "UPDATE users SET failures = $f, locked_until = $until WHERE name = $n",
                    ("$f", locks ? 0 : failures), ("$until", locks ? now + _lockoutMilliseconds : 0), ("$n", name));
                AuditTrail.Record(c, t, now, name, locks ? "locked_out" : "login_refused", name, locks ? $"{failures} wrong passwords" : "wrong password");
                return new LoginResult(locks ? LoginOutcome.Locked : LoginOutcome.Refused, null, null);
            }

            var rehash = verified == PasswordVerificationResult.SuccessRehashNeeded ? Hasher.HashPassword(new ConsoleUser(name, user.Role), password) : user.Hash;
            Sql.Execute(c, t, "UPDATE users SET failures = 0, locked_until = 0, hash = $h WHERE name = $n", ("$h", rehash), ("$n", name));
            AuditTrail.Record(c, t, now, name, "login", name);
            return new LoginResult(LoginOutcome.Ok, user.Role, user.Stamp);
        });
    }

    /// <summary>
    /// True while a session signed in as <paramref name="name"/> with <paramref name="role"/> and <paramref name="stamp"/>
    /// is still good: the user exists, is not locked, and neither password nor role changed since (a new stamp).
    /// </summary>
    public bool IsCurrent(string name, string role, string stamp, long now) =>
        _database.Read(c => Sql.Scalar(c, null, "SELECT 1 FROM users WHERE name = $n AND role = $r AND stamp = $s AND locked_until <= $now",
            ("$n", name), ("$r", role), ("$s", stamp), ("$now", now)) is not null);

    [GeneratedRegex("^[a-z0-9._-]{2,32}$")]
    private static partial Regex NamePattern();

    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(new ConsoleUser("-", Operator), Guid.NewGuid().ToString()));
}

/// <summary>The user type the hasher is parameterised with (it uses none of its members).</summary>
public sealed record ConsoleUser(string Name, string Role);

public enum LoginOutcome
{
    Ok,
    Refused,
    Locked,
}

/// <summary>A login's outcome; on success the role and the user's stamp (kept in the session, checked at each request).</summary>
public sealed record LoginResult(LoginOutcome Outcome, string? Role, string? Stamp);
