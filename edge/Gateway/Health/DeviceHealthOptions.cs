using Eldercare.Firmware.Core.Commands;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Power;

namespace Eldercare.Edge.Gateway.Health;

/// <summary>
/// Configuration section <c>Gateway:DeviceHealth</c>: when the gateway raises a <c>device_offline</c> alarm for a device
/// (edge/README.md "Device offline"). Times in whole seconds, as installers write them.
/// </summary>
public sealed class DeviceHealthOptions
{
    /// <summary>The heartbeat period of a device whose heartbeats do not say theirs (firmware before <c>hbs</c>, or a
    /// device that sent no heartbeat since it was first seen): a battery device sends its heartbeat with each scheduled
    /// radio session, so the default is the firmware's <see cref="RadioScheduleOptions.DefaultHeartbeatSeconds"/> (900 s:
    /// offline after 45 min of silence), its one owner. A heartbeat that carries <c>hbs</c> sets that device's own period
    /// (bounded by <see cref="MinReportedHeartbeatSeconds"/> and <see cref="MaxReportedHeartbeatSeconds"/>).</summary>
    public int HeartbeatIntervalSeconds { get; init; } = RadioScheduleOptions.DefaultHeartbeatSeconds;

    /// <summary>Heartbeat periods without any event before the alarm: 3, so one lost heartbeat or a Wi-Fi hiccup never
    /// raises one, and a silent device is noticed within minutes.</summary>
    public int MissedHeartbeats { get; init; } = 3;

    /// <summary>Floor on a reported period: a device configured to 10 s is still called offline only after 3 x 30 s =
    /// 90 s of silence, three times the lost-connection grace, so an access point's restart or a roam is no alarm.</summary>
    public int MinReportedHeartbeatSeconds { get; init; } = 30;

    /// <summary>Cap on a reported period: the longest a configuration sets (<see cref="DeviceConfig.MaxHeartbeatSeconds"/>,
    /// 1 h), so a device that says a day (its options allow it) is still noticed within 3 h.</summary>
    public int MaxReportedHeartbeatSeconds { get; init; } = DeviceConfig.MaxHeartbeatSeconds;

    /// <summary>
    /// After a gateway start, no alarm before this: every device lost its connection with the gateway and needs time to
    /// reconnect (its backoff) and send an event (up to one heartbeat period). 2 heartbeat periods at the default
    /// interval; keep it at 2 periods or more when the interval is changed.
    /// </summary>
    public int StartupGraceSeconds { get; init; } = 2 * RadioScheduleOptions.DefaultHeartbeatSeconds;

    /// <summary>
    /// A connection lost without DISCONNECT (where an MQTT last will fires) raises the alarm only if the device has not
    /// reconnected within this: a roaming pendant or an access point's restart loses the link for seconds.
    /// </summary>
    public int LostConnectionGraceSeconds { get; init; } = 30;

    /// <summary>Last-seen times are written in one transaction this often (and at a clean stop), not per event: an SD
    /// card's writes. A crash loses at most this much of them, which the start-up grace covers.</summary>
    public int LastSeenSaveIntervalSeconds { get; init; } = 60;

    /// <summary>Silence before the alarm for a device that reported no period: <see cref="MissedHeartbeats"/> x
    /// <see cref="HeartbeatIntervalSeconds"/>.</summary>
    public long SilenceLimitMilliseconds => (long)HeartbeatIntervalSeconds * MissedHeartbeats * 1000;

    /// <summary>
    /// Silence before the alarm for a device whose last heartbeat reported <paramref name="reportedHeartbeatSeconds"/>
    /// (<c>hbs</c>): the same <see cref="MissedHeartbeats"/> of its own period, the period bounded by
    /// <see cref="MinReportedHeartbeatSeconds"/>..<see cref="MaxReportedHeartbeatSeconds"/>; 0 (none reported) gives
    /// <see cref="SilenceLimitMilliseconds"/>.
    /// </summary>
    public long SilenceLimitMillisecondsFor(int reportedHeartbeatSeconds)
    {
        if (reportedHeartbeatSeconds <= 0)
        {
            return SilenceLimitMilliseconds;
        }

        var period = Math.Clamp(reportedHeartbeatSeconds, MinReportedHeartbeatSeconds, MaxReportedHeartbeatSeconds);
        return (long)period * MissedHeartbeats * 1000;
    }

    /// <param name="gatewayId">Gateway:Forwarder:GatewayId: the <c>dev</c> of the gateway's own events.</param>
    public IEnumerable<string> Validate(string gatewayId)
    {
        if (HeartbeatIntervalSeconds < 1)
        {
            yield return $"Gateway:DeviceHealth:HeartbeatIntervalSeconds must be >= 1, got {HeartbeatIntervalSeconds}";
        }

        if (MissedHeartbeats is < 1 or > 1000)
        {
            yield return $"Gateway:DeviceHealth:MissedHeartbeats must be 1..1000, got {MissedHeartbeats}";
        }

        if (MinReportedHeartbeatSeconds < 1 || MaxReportedHeartbeatSeconds < MinReportedHeartbeatSeconds || MaxReportedHeartbeatSeconds > HeartbeatFields.MaxHeartbeatSeconds)
        {
            yield return $"Gateway:DeviceHealth:MinReportedHeartbeatSeconds and MaxReportedHeartbeatSeconds must be 1 <= min <= max <= {HeartbeatFields.MaxHeartbeatSeconds}, got {MinReportedHeartbeatSeconds} and {MaxReportedHeartbeatSeconds}";
        }

        if (StartupGraceSeconds < 0 || LostConnectionGraceSeconds < 0)
        {
            yield return "Gateway:DeviceHealth:StartupGraceSeconds and LostConnectionGraceSeconds must be >= 0";
        }

        if (LastSeenSaveIntervalSeconds < 1)
        {
            yield return $"Gateway:DeviceHealth:LastSeenSaveIntervalSeconds must be >= 1, got {LastSeenSaveIntervalSeconds}";
        }

        if (!EventCodec.IsValidDeviceId(gatewayId))
        {
            yield return $"Gateway:Forwarder:GatewayId '{gatewayId}' must be a valid device id (1-32 of a-z, 0-9, '-'): it is the dev of the gateway's own device_offline events";
        }
    }
}
