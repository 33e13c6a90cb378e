namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>What the detector did on one trial.</summary>
public sealed record TrialResult(Trial Trial, int Detections, long FirstDetectionIndex, long FirstImpactIndex, int FirstConfidencePerMille, string FirstDescription)
{
    public bool Fired => Detections > 0;

    /// <summary>Seconds from the trial's largest |a| to the first detection (falls that fired only).</summary>
    public double LatencySeconds => (FirstDetectionIndex - Trial.PeakIndex) / (double)Trial.SampleRateHertz;
}
