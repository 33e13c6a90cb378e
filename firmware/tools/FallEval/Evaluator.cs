using Eldercare.Firmware.Core.Falls;

namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>
/// Streams every trial through the core <see cref="FallDetector"/> one sample at a time,
/// exactly as the device does, and records whether and when it fired.
/// </summary>
public static class Evaluator
{
    public static TrialResult[] Run(IReadOnlyList<Trial> trials, Func<Trial, FallDetectorOptions> optionsFor)
    {
        var results = new TrialResult[trials.Count];
        Parallel.For(0, trials.Count, i => results[i] = RunOne(trials[i], optionsFor(trials[i])));
        return results;
    }

    public static TrialResult RunOne(Trial trial, FallDetectorOptions options)
    {
        options.SampleRateHertz = trial.SampleRateHertz;
        var detector = new FallDetector(options);
        int detections = 0;
        long firstDetection = -1;
        long firstImpact = -1;
        int confidence = 0;
        string description = string.Empty;
        for (int i = 0; i < trial.Length; i++)
        {
            if (detector.AddSample(trial.X[i] / 1000f, trial.Y[i] / 1000f, trial.Z[i] / 1000f) && detector.LastImpactSampleIndex >= trial.Offset)
            {
                detections++;
                if (detections == 1)
                {
                    firstDetection = detector.LastDetectionSampleIndex;
                    firstImpact = detector.LastImpactSampleIndex;
                    confidence = detector.LastConfidencePerMille;
                    description = detector.DescribeLastDetection();
                }
            }
        }

        return new TrialResult(trial, detections, firstDetection, firstImpact, confidence, description);
    }
}
