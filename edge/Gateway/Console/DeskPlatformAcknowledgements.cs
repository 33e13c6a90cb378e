using Eldercare.Edge.Gateway.Forwarding;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>The platform's acknowledgements shown on the desk ("acknowledged by the platform"): an alarm the city's
/// operator is already on. An alarm the desk has not booked (yet) is left alone; a failed write is logged, never thrown.</summary>
public sealed class DeskPlatformAcknowledgements : IAcknowledgementObserver
{
    private readonly AlarmBook _book;
    private readonly TimeProvider _time;
    private readonly ILogger<DeskPlatformAcknowledgements> _logger;

    public DeskPlatformAcknowledgements(AlarmBook book, TimeProvider time, ILogger<DeskPlatformAcknowledgements> logger)
    {
        _book = book;
        _time = time;
        _logger = logger;
    }

    public void Acknowledged(string eventId, string? by)
    {
        try
        {
            _book.PlatformAcknowledged(eventId, by is null ? null : Eldercare.Firmware.Core.Text.LogText.Untrusted(by, 32), _time.GetUtcNow().ToUnixTimeMilliseconds());
        }
        catch (Microsoft.Data.Sqlite.SqliteException exception)
        {
            _logger.LogError("console: platform acknowledgement of {Id} not recorded: {Error}", eventId, exception.Message);
        }
    }
}
