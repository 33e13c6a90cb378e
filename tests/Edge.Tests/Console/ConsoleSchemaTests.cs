using Eldercare.Edge.Gateway.Console;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Tests.Console;

/// <summary>console.db across restarts and versions: rows kept, a newer file refused.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ConsoleSchemaTests
{
    [TestMethod]
    public void Open_Again_KeepsEveryRowAndTheVersion()
    {
        using var directory = new TempDirectory("console-schema");
        var now = DeskFixture.Start.ToUnixTimeMilliseconds();
        var options = new ConsoleOptions { Enabled = true };
        string id;
        using (var database = ConsoleDatabase.Open(directory.Path, now - 1))
        {
            var book = new AlarmBook(database, options, CardHasher.Open(directory.Path), new DeskChanges());
            var e = new DeviceEvent("pendant-0001", 1, 1, EventTypes.Sos, now);
            book.Book(e, now);
            book.Take(e.Id, "op1", now);
            new ConsoleUsers(database, options).Upsert("op1", ConsoleUsers.Operator, "a-good-password", "test", now);
            id = e.Id;
        }

        using (var database = ConsoleDatabase.Open(directory.Path, now + 1_000))
        {
            Assert.AreEqual(ConsoleSchema.CurrentVersion, database.Read(ConsoleSchema.Version));
            Assert.AreEqual("op1", new DeskView(database).Get(id)!.TakenBy);
            Assert.AreEqual(LoginOutcome.Ok, new ConsoleUsers(database, options).Login("op1", "a-good-password", now).Outcome);
            Assert.AreEqual(AlarmStates.Open, Book(database, directory.Path, options, now + 2_000), "created stays the first start: a new alarm now is not history");
        }

        SqliteConnection.ClearAllPools();
    }

    [TestMethod]
    public void Open_FileOfTheFirstVersion_UpgradedKeepingItsRows()
    {
        using var directory = new TempDirectory("console-schema");
        var options = new ConsoleOptions { Enabled = true };
        using (var database = ConsoleDatabase.Open(directory.Path, 0))
        {
            new ConsoleUsers(database, options).Upsert("op1", ConsoleUsers.Operator, "a-good-password", "test", 0);
        }

        // Back to what the first desk wrote: no upstream table, no stamps, version 1.
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, ConsoleDatabase.FileName)};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DROP TABLE upstream; ALTER TABLE users DROP COLUMN stamp; PRAGMA user_version=1;";
            command.ExecuteNonQuery();
        }

        using (var database = ConsoleDatabase.Open(directory.Path, 1_000))
        {
            Assert.AreEqual(ConsoleSchema.CurrentVersion, database.Read(ConsoleSchema.Version));
            var login = new ConsoleUsers(database, options).Login("op1", "a-good-password", 1_000);
            Assert.AreEqual(LoginOutcome.Ok, login.Outcome, "the user of the old file signs in");
            Assert.AreEqual(32, login.Stamp!.Length, "and got a stamp in the upgrade");
        }

        SqliteConnection.ClearAllPools();
    }

    [TestMethod]
    public void Open_FileOfANewerGateway_RefusedWithAReason()
    {
        using var directory = new TempDirectory("console-schema");
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, ConsoleDatabase.FileName)};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA user_version={ConsoleSchema.CurrentVersion + 1}";
            command.ExecuteNonQuery();
        }

        var exception = Assert.ThrowsExactly<InvalidDataException>(() => ConsoleDatabase.Open(directory.Path, 0).Dispose());

        StringAssert.Contains(exception.Message, "newer");
    }

    private static string Book(ConsoleDatabase database, string directory, ConsoleOptions options, long at)
    {
        var e = new DeviceEvent("pendant-0002", 1, 1, EventTypes.Fall, at);
        new AlarmBook(database, options, CardHasher.Open(directory), new DeskChanges()).Book(e, at);
        return new DeskView(database).Get(e.Id)!.State;
    }
}
