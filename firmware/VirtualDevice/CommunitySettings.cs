using Eldercare.VirtualDevice.Adapters;

namespace Eldercare.VirtualDevice;

/// <summary>Shared settings of a simulated community.</summary>
public sealed record CommunitySettings(string BrokerHost, int BrokerPort, string DataDirectory)
{
    public int HeartbeatIntervalSeconds { get; init; } = 60;

    /// <summary>
    /// A GNSS walk (a recorded log read by <see cref="NmeaLog"/>, or a <see cref="SyntheticWalk"/>): the watches (ids
    /// starting <see cref="Community.WatchPrefix"/>) get a GNSS module replaying it on "wander ID"; a community without
    /// watches gives one to every wearable.
    /// </summary>
    public IReadOnlyList<NmeaLogLine>? GnssLog { get; init; }

    /// <summary>With delays: the wearables run the radio schedule (radio off between sends) paying them at each wake; null: link always up.</summary>
    public RadioDelays? Radio { get; init; }

    /// <summary>Every wearable's wellness period in minutes (null: the core's 3 h); short for a demo.</summary>
    public int? WellnessMinutes { get; init; }

    /// <summary>Waking hours, local minutes of the day (from, until; equal: all day); null: the core's 07:00-22:00.</summary>
    public (int From, int Until)? WakingHours { get; init; }
}
