using Eldercare.Edge.Gateway.Store;
using Eldercare.Firmware.Core.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// Feeds the desk from the event store: every <see cref="ConsoleOptions.PollMilliseconds"/> (on the gateway's
/// TimeProvider) it books what the alarm and service lanes stored after its cursors (kept in console.db, so a restart
/// goes on where it stopped and a repeat is a no-op), escalates alarms taken too long ago, samples the platform link,
/// and appends the alarm_taken events still kept. Reading after a durable commit keeps the desk off ingest's path: an alarm on the page is an alarm on disk.
/// </summary>
public sealed class DeskFeed : BackgroundService
{
    private const int BatchSize = 500;

    private readonly StoreFeedReader _reader;
    private readonly AlarmBook _book;
    private readonly PlatformLink _link;
    private readonly ConsoleDatabase _database;
    private readonly Lane[] _lanes;
    private readonly Lane _alarmLane;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger<DeskFeed> _logger;
    private readonly IEventAppender? _store;
    private LinkState _linkState = new(true, 0, null);
    private long _lastLinkSample = long.MinValue;

    /// <param name="store">Where the kept alarm_taken events go (<see cref="DeskUpstream.FlushAsync"/>); null: nowhere (tests of the feed alone).</param>
    public DeskFeed(StoreFeedReader reader, AlarmBook book, PlatformLink link, ConsoleDatabase database, LaneSet lanes, ConsoleOptions options, TimeProvider time, ILogger<DeskFeed> logger, IEventAppender? store = null)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        ArgumentNullException.ThrowIfNull(options);
        _reader = reader;
        _book = book;
        _link = link;
        _database = database;
        _alarmLane = lanes.Alarm;
        _lanes = [lanes.Alarm, lanes[EventTypes.ServiceLane]];
        _time = time;
        _interval = TimeSpan.FromMilliseconds(options.PollMilliseconds);
        _logger = logger;
        _store = store;
    }

    /// <summary>The link as last sampled (once a second).</summary>
    public LinkState Link => Volatile.Read(ref _linkState);

    /// <summary>One pass: book what is new, escalate, sample the link. The loop calls it; tests call it directly.</summary>
    public int RunOnce()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var booked = 0;
        foreach (var lane in _lanes)
        {
            var cursor = _database.Read(c => (long?)Sql.Scalar(c, null, "SELECT seq_no FROM cursors WHERE lane = $l", ("$l", lane.Code))) ?? 0;
            while (true)
            {
                var rows = _reader.ReadAfter(lane, cursor, BatchSize);
                if (rows.Count == 0)
                {
                    break;
                }

                var batch = new List<(DeviceEvent, long)>(rows.Count);
                foreach (var row in rows)
                {
                    if (Decode(row) is { } e)
                    {
                        batch.Add((e, row.ReceivedUnixMilliseconds));
                    }
                }

                cursor = rows[^1].StoreSequence;
                var code = lane.Code;
                var next = cursor;
                // Booked and read past in one transaction: a crash books the batch again or not at all, never half.
                booked += _book.BookAll(batch, (c, t) => Sql.Execute(c, t, "INSERT INTO cursors(lane, seq_no) VALUES($l, $s) ON CONFLICT(lane) DO UPDATE SET seq_no = $s", ("$l", code), ("$s", next)));
                if (rows.Count < BatchSize)
                {
                    break;
                }
            }
        }

        _book.EscalateDue(now);
        if (now - _lastLinkSample >= 1_000 || _lastLinkSample == long.MinValue)
        {
            _lastLinkSample = now;
            var (held, oldest) = _reader.HeldAlarms(_alarmLane);
            var state = _link.Sample(now, held, oldest);
            if (Interlocked.Exchange(ref _linkState, state) != state)
            {
                _book.Changes.Changed();
            }
        }

        return booked;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                RunOnce();
                if (_store is not null)
                {
                    // alarm_taken events a take could not append at once (the store closing, a disk error): again here.
                    await DeskUpstream.FlushAsync(_database, _store, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException)
            {
                // Worker loops catch, count, log, go on (STYLE.md habit 12): the next pass tries again from the cursor.
                _logger.LogError("console feed: {Error}; trying again", exception.Message);
            }

            try
            {
                await Task.Delay(_interval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The stored event decoded; null for a conflict row (a device fault kept under a derived id, not an alarm) or one that does not decode.</summary>
    private DeviceEvent? Decode(StoredEvent row)
    {
        if (row.IsConflict)
        {
            return null;
        }

        var decoded = EventCodec.Decode(System.Text.Encoding.UTF8.GetBytes(row.Payload));
        if (!decoded.Ok)
        {
            // Stored events were validated at ingest; one that does not decode now is a codec change, not input.
            _logger.LogWarning("console feed: stored event at {Sequence} does not decode ({Reason}); skipped", row.StoreSequence, decoded.Reason);
            return null;
        }

        return decoded.Event;
    }
}
