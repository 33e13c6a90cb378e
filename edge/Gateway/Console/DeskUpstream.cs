using System.Globalization;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Firmware.Core.Events;
using Microsoft.Data.Sqlite;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// Tells the platform that the center took an alarm, exactly once: an <c>alarm_taken</c> gateway event
/// (docs/wire-format.md "Gateway events") made in the take's own transaction of console.db (<see cref="Stage"/>: a take
/// never lacks its event, a refused take makes none), then appended through the store like any gateway event
/// (<see cref="FlushAsync"/>, right after the take and again at every pass of the feed until the store has it; a repeat
/// is the same payload under the same id, a duplicate). Ids: the gateway's id, a boot epoch reserved for the console at
/// start from health.db's counter, seq from 1.
/// </summary>
public sealed class DeskUpstream
{
    private readonly string _gatewayId;
    private readonly int _boot;

    public DeskUpstream(string gatewayId, int boot)
    {
        if (!EventCodec.IsValidDeviceId(gatewayId) || boot < 1)
        {
            throw new ArgumentException($"gateway id '{gatewayId}' / boot {boot} cannot make event ids");
        }

        _gatewayId = gatewayId;
        _boot = boot;
    }

    /// <summary>Keeps the <c>alarm_taken</c> of <paramref name="alarmId"/> in the caller's transaction.</summary>
    public void Stage(SqliteConnection connection, SqliteTransaction transaction, string alarmId, string subject, long waitedMilliseconds, long now)
    {
        var seq = Convert.ToInt32(Sql.Scalar(connection, transaction, "SELECT COALESCE(MAX(seq), 0) + 1 FROM upstream WHERE boot = $b", ("$b", _boot)), CultureInfo.InvariantCulture);
        var e = new DeviceEvent(_gatewayId, _boot, seq, EventTypes.AlarmTaken, now)
        {
            Subject = subject,
            Info = $"ref={alarmId};by={DeskAcknowledger.By};wait={Math.Max(0, waitedMilliseconds / 1000).ToString(CultureInfo.InvariantCulture)}s",
        };
        var payload = EventCodec.EncodeToString(e) ?? throw new InvalidOperationException($"alarm_taken of {alarmId} does not encode");
        Sql.Execute(connection, transaction, "INSERT INTO upstream(id, boot, seq, payload, made_at) VALUES($id, $b, $s, $p, $at)",
            ("$id", e.Id), ("$b", _boot), ("$s", seq), ("$p", payload), ("$at", now));
    }

    /// <summary>Appends every kept event the store does not have yet; returns how many it appended.</summary>
    public static async Task<int> FlushAsync(ConsoleDatabase database, IEventAppender store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(store);
        var waiting = database.Read(c => Sql.Query(c, null, "SELECT id, payload, made_at FROM upstream WHERE appended = 0 ORDER BY boot, seq",
            r => (Id: r.GetString(0), Payload: r.GetString(1), MadeAt: r.GetInt64(2))));
        foreach (var (id, payload, madeAt) in waiting)
        {
            var decoded = EventCodec.Decode(System.Text.Encoding.UTF8.GetBytes(payload));
            if (!decoded.Ok)
            {
                throw new InvalidDataException($"a kept alarm_taken does not decode ({decoded.Reason}: {decoded.Detail})");
            }

            await store.AppendAsync(EventRecord.FromDevice(decoded.Event, payload, madeAt), cancellationToken).ConfigureAwait(false);
            database.Write((c, t) => Sql.Execute(c, t, "UPDATE upstream SET appended = 1 WHERE id = $id", ("$id", id)));
        }

        return waiting.Count;
    }
}
