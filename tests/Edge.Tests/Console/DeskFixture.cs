using Eldercare.Edge.Gateway.Console;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Eldercare.Edge.Tests.Console;

/// <summary>A desk on a real console.db in a temp folder and a fake clock (its start is after console.db was created).</summary>
internal sealed class DeskFixture : IDisposable
{
    public static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-03T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private readonly TempDirectory _directory = new("console");

    public DeskFixture(ConsoleOptions? options = null)
    {
        Options = options ?? new ConsoleOptions { Enabled = true };
        Database = ConsoleDatabase.Open(_directory.Path, Now - 1);
        Cards = CardHasher.Open(_directory.Path);
        Book = new AlarmBook(Database, Options, Cards, Changes);
        View = new DeskView(Database);
        Users = new ConsoleUsers(Database, Options);
        Elders = new ElderRecords(Database, Cards, Changes);
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public long Now => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public string DataDirectory => _directory.Path;

    public ConsoleOptions Options { get; }

    public ConsoleDatabase Database { get; }

    public CardHasher Cards { get; }

    public DeskChanges Changes { get; } = new();

    public AlarmBook Book { get; }

    public DeskView View { get; }

    public ConsoleUsers Users { get; }

    public ElderRecords Elders { get; }

    /// <summary>Books an event of <paramref name="device"/> received now; returns its id.</summary>
    public string Receive(string device, int seq, string type, Action<DeviceEvent>? fill = null, int boot = 1)
    {
        var e = new DeviceEvent(device, boot, seq, type, Now);
        fill?.Invoke(e);
        Book.Book(e, Now);
        return e.Id;
    }

    public DeskAlarm Get(string id) => View.Get(id) ?? throw new AssertFailedException($"{id} is not in the book");

    public void Dispose()
    {
        Database.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
