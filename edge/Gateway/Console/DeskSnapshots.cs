using System.Text.Json;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>What every open page is sent (as JSON) at each change: the queue, the service requests, the recently closed,
/// the platform link and today's figures, with the gateway's clock so waiting times are the gateway's.</summary>
public sealed class DeskSnapshots
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    private readonly DeskView _view;
    private readonly DeskFeed _feed;
    private readonly DeskChanges _changes;
    private readonly TimeProvider _time;

    public DeskSnapshots(DeskView view, DeskFeed feed, DeskChanges changes, TimeProvider time)
    {
        _view = view;
        _feed = feed;
        _changes = changes;
        _time = time;
    }

    public string Json()
    {
        var version = _changes.Version;
        var now = _time.GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(now, _time.LocalTimeZone);
        var startOfDay = new DateTimeOffset(local.Date, local.Offset).ToUnixTimeMilliseconds();
        var nowMs = now.ToUnixTimeMilliseconds();
        return JsonSerializer.Serialize(new
        {
            version,
            now = nowMs,
            link = _feed.Link,
            figures = _view.Today(startOfDay, nowMs),
            alarms = _view.Open(AlarmStates.KindAlarm),
            services = _view.Open(AlarmStates.KindService),
            closed = _view.RecentlyClosed(10),
        }, Options);
    }
}
