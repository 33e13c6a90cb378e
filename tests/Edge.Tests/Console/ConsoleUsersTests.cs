using Eldercare.Edge.Gateway.Console;

namespace Eldercare.Edge.Tests.Console;

/// <summary>Operators' logins on a fake clock: hashed passwords, lock-out at the fifth wrong password, unlock after the lock-out time.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ConsoleUsersTests : IDisposable
{
    private readonly DeskFixture _desk = new(new ConsoleOptions { Enabled = true, LockoutFailures = 5, LockoutMinutes = 15 });

    public void Dispose() => _desk.Dispose();

    [TestMethod]
    public void Login_RightPassword_OkWithRole_PasswordNotStoredInClear()
    {
        _desk.Users.Upsert("li.ming", ConsoleUsers.Supervisor, "correct horse", "test", _desk.Now);

        var result = _desk.Users.Login("li.ming", "correct horse", _desk.Now);

        Assert.AreEqual(LoginOutcome.Ok, result.Outcome);
        Assert.AreEqual(ConsoleUsers.Supervisor, result.Role);
        var hash = _desk.Database.Read(c => { using var q = c.CreateCommand(); q.CommandText = "SELECT hash FROM users"; return (string)q.ExecuteScalar()!; });
        Assert.IsFalse(hash.Contains("correct horse", StringComparison.Ordinal));
    }

    [TestMethod]
    public void Login_FiveWrongPasswords_FifthLocks_EvenTheRightOneRefusedUntilTheLockEnds()
    {
        _desk.Users.Upsert("op1", ConsoleUsers.Operator, "right-password", "test", _desk.Now);

        var outcomes = Enumerable.Range(0, 5).Select(_ => _desk.Users.Login("op1", "wrong-password", _desk.Now).Outcome).ToList();

        CollectionAssert.AreEqual(new[] { LoginOutcome.Refused, LoginOutcome.Refused, LoginOutcome.Refused, LoginOutcome.Refused, LoginOutcome.Locked }, outcomes);
        Assert.AreEqual(LoginOutcome.Locked, _desk.Users.Login("op1", "right-password", _desk.Now).Outcome);
        _desk.Time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.AreEqual(LoginOutcome.Locked, _desk.Users.Login("op1", "right-password", _desk.Now).Outcome);
        _desk.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.AreEqual(LoginOutcome.Ok, _desk.Users.Login("op1", "right-password", _desk.Now).Outcome);
        Assert.AreEqual("locked_out", AuditTrail.Latest(_desk.Database, 100, "op1").Single(a => a.Action == "locked_out").Action);
    }

    [TestMethod]
    public void Login_RightPasswordBetweenWrongOnes_ResetsTheCount()
    {
        _desk.Users.Upsert("op1", ConsoleUsers.Operator, "right-password", "test", _desk.Now);
        for (var i = 0; i < 4; i++)
        {
            _desk.Users.Login("op1", "wrong", _desk.Now);
        }

        Assert.AreEqual(LoginOutcome.Ok, _desk.Users.Login("op1", "right-password", _desk.Now).Outcome);
        Assert.AreEqual(LoginOutcome.Refused, _desk.Users.Login("op1", "wrong", _desk.Now).Outcome, "the count started again");
    }

    [TestMethod]
    public void IsCurrent_NewPasswordRoleOrLock_EndsTheSessionsSignedInBefore()
    {
        _desk.Users.Upsert("op1", ConsoleUsers.Operator, "right-password", "test", _desk.Now);
        var session = _desk.Users.Login("op1", "right-password", _desk.Now);
        Assert.IsTrue(_desk.Users.IsCurrent("op1", ConsoleUsers.Operator, session.Stamp!, _desk.Now));
        Assert.IsFalse(_desk.Users.IsCurrent("op1", ConsoleUsers.Admin, session.Stamp!, _desk.Now), "a role the user does not have");

        _desk.Users.Upsert("op1", ConsoleUsers.Operator, "new-password", "admin", _desk.Now);
        Assert.IsFalse(_desk.Users.IsCurrent("op1", ConsoleUsers.Operator, session.Stamp!, _desk.Now), "a new password ends the old session");

        var again = _desk.Users.Login("op1", "new-password", _desk.Now);
        for (var i = 0; i < 5; i++)
        {
            _desk.Users.Login("op1", "wrong", _desk.Now);
        }

        Assert.IsFalse(_desk.Users.IsCurrent("op1", ConsoleUsers.Operator, again.Stamp!, _desk.Now), "a locked account's sessions end too");
        Assert.IsFalse(_desk.Users.IsCurrent("nobody", ConsoleUsers.Operator, again.Stamp!, _desk.Now));
    }

    [TestMethod]
    public void Login_UnknownUser_RefusedLikeAWrongPassword()
    {
        Assert.AreEqual(LoginOutcome.Refused, _desk.Users.Login("nobody", "whatever-password", _desk.Now).Outcome);
    }

    [TestMethod]
    [DataRow("A", "operator", "long-enough", "user name")]
    [DataRow("has space", "operator", "long-enough", "user name")]
    [DataRow("op1", "root", "long-enough", "role")]
    [DataRow("op1", "operator", "short", "password")]
    public void Problem_BadInput_SaysWhat(string name, string role, string password, string expectedWord)
    {
        StringAssert.Contains(ConsoleUsers.Problem(name, role, password), expectedWord);
    }

    [TestMethod]
    public void Run_AddUserCommand_PasswordFromStdin_ThenLogsIn()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = ConsoleCommand.Run(["console", "add-user", "Admin", "--role", "admin", "--data", _desk.DataDirectory], new StringReader("a-good-password\n"), output, error);

        Assert.AreEqual(0, code, error.ToString());
        Assert.AreEqual(LoginOutcome.Ok, _desk.Users.Login("admin", "a-good-password", _desk.Now).Outcome);
        Assert.AreEqual(2, ConsoleCommand.Run(["console", "add-user", "x y"], new StringReader("a-good-password\n"), output, error), "a bad name is refused");
        Assert.AreEqual(2, ConsoleCommand.Run(["console", "remove-user", "admin"], new StringReader(string.Empty), output, error));
    }

    [TestMethod]
    public void Run_ImportEldersCommand_ImportsOrListsEveryProblem()
    {
        var good = Path.Combine(_desk.DataDirectory, "good.csv");
        var bad = Path.Combine(_desk.DataDirectory, "bad.csv");
        File.WriteAllText(good, "record_no,name,address,emergency_contacts,devices,cards\nR-1,王秀英,迎泽区,女儿,pendant-0001,\n");
        File.WriteAllText(bad, "record_no,name,address,emergency_contacts,devices,cards\nR-2,x,a,b,Bad Id,\n");
        var error = new StringWriter();

        Assert.AreEqual(0, ConsoleCommand.Run(["console", "import-elders", good, "--data", _desk.DataDirectory], TextReader.Null, TextWriter.Null, error), error.ToString());
        Assert.AreEqual(2, ConsoleCommand.Run(["console", "import-elders", bad, "--data", _desk.DataDirectory], TextReader.Null, TextWriter.Null, error));
        Assert.AreEqual(2, ConsoleCommand.Run(["console", "import-elders", "/nonexistent.csv", "--data", _desk.DataDirectory], TextReader.Null, TextWriter.Null, error));

        Assert.AreEqual("王秀英", _desk.Elders.List().Single().Name);
        StringAssert.Contains(error.ToString(), "line 2: devices");
    }
}
