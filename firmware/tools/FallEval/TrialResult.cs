namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>What the detector did on one trial.</summary>
public sealed record TrialResult(Trial Trial, int Detections, long FirstDetectionIndex, long FirstImpactIndex, int FirstConfidencePerMille, string FirstDescription)
{
    public bool Fired => Detections > 0;

    /// <summary>
    /// When the app read the first detection, µs from the trial's start: the detecting sample's time, or with batches
    /// the tick that read its batch (-1 when it never fired).
    /// </summary>
    public long FirstReadMicroseconds { get; init; } = -1;

    /// <summary>Seconds from the trial's largest |a| to the first detection as the app reads it (falls that fired only).</summary>
    public double LatencySeconds => FirstReadMicroseconds >= 0
        ? (FirstReadMicroseconds / 1e6) - (Trial.PeakIndex / (double)Trial.SampleRateHertz)
        : (FirstDetectionIndex - Trial.PeakIndex) / (double)Trial.SampleRateHertz;
}
