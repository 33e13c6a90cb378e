using Eldercare.Edge.Gateway.Metrics;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// Whether the city platform is reachable, as the gateway already knows it: a forward batch or an acknowledgement poll
/// failed within the last <see cref="FailureWindowMilliseconds"/> (both retry at most every few seconds while the
/// upstream is down; the poll is always open, so an idle gateway notices too), or an alarm has been held longer than
/// <see cref="HeldTooLongMilliseconds"/> (the forwarder sends an alarm within milliseconds when the link is up).
/// </summary>
public sealed class PlatformLink
{
    public const long FailureWindowMilliseconds = 8_000;
    public const long HeldTooLongMilliseconds = 15_000;

    private readonly GatewayMetrics _metrics;
    private long _lastFailures = -1;
    private long _lastFailureAt = long.MinValue;

    public PlatformLink(GatewayMetrics metrics) => _metrics = metrics;

    /// <summary>Samples the counters at <paramref name="now"/> (call it regularly) and returns the link's state.</summary>
    public LinkState Sample(long now, long heldAlarms, long? oldestHeldReceived)
    {
        var failures = _metrics.ForwardFailures + _metrics.AcknowledgementPollFailures;
        if (_lastFailures >= 0 && failures > _lastFailures)
        {
            _lastFailureAt = now;
        }

        _lastFailures = failures;
        var failing = _lastFailureAt != long.MinValue && now - _lastFailureAt <= FailureWindowMilliseconds;
        var stale = oldestHeldReceived is { } oldest && now - oldest > HeldTooLongMilliseconds;
        return new LinkState(!(failing || stale), heldAlarms, oldestHeldReceived);
    }
}

/// <summary>The platform link as the banner shows it.</summary>
public sealed record LinkState(bool Up, long HeldAlarms, long? OldestHeldReceived);
