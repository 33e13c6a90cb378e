using Eldercare.Firmware.Core.Falls;

namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>
/// The candidates of one trial as the core <see cref="FallFeatureExtractor"/> saw them: impact
/// candidates (<see cref="FallFeatures"/>) and impact-free posture candidates (<see cref="PostureFeatures"/>).
/// </summary>
public sealed class Candidates(Trial trial, List<float[]> features, List<long> peakIndices, List<float[]> postureFeatures)
{
    public Trial Trial { get; } = trial;

    public List<float[]> Features { get; } = features;

    public List<long> PeakIndices { get; } = peakIndices;

    public List<float[]> PostureFeatures { get; } = postureFeatures;

    /// <summary>Streams every trial through the core extractor (same code and numbers as the device).</summary>
    public static Candidates[] Extract(IReadOnlyList<Trial> trials, FallDetectorOptions template)
    {
        var result = new Candidates[trials.Count];
        Parallel.For(0, trials.Count, i =>
        {
            Trial trial = trials[i];
            var options = Copy(template);
            options.SampleRateHertz = trial.SampleRateHertz;
            var extractor = new FallFeatureExtractor(Evaluator.WithMath(options));
            var features = new List<float[]>();
            var peaks = new List<long>();
            var posture = new List<float[]>();
            for (int s = 0; s < trial.Length; s++)
            {
                if (extractor.AddSample(trial.X[s] / 1000f, trial.Y[s] / 1000f, trial.Z[s] / 1000f))
                {
                    if (extractor.ImpactReady && extractor.CandidatePeakIndex >= trial.Offset)
                    {
                        features.Add((float[])extractor.Features.Clone());
                        peaks.Add(extractor.CandidatePeakIndex);
                    }

                    if (extractor.PostureReady && extractor.Posture.CandidatePeakIndex >= trial.Offset)
                    {
                        posture.Add((float[])extractor.Posture.Features.Clone());
                    }
                }
            }

            result[i] = new Candidates(trial, features, peaks, posture);
        });
        return result;
    }

    /// <summary>A fresh options object with the same values (the detector's options are mutable).</summary>
    public static FallDetectorOptions Copy(FallDetectorOptions source) => new(source.Placement)
    {
        SampleRateHertz = source.SampleRateHertz,
        ImpactThresholdG = source.ImpactThresholdG,
        PreWindowMilliseconds = source.PreWindowMilliseconds,
        PostWindowStartMilliseconds = source.PostWindowStartMilliseconds,
        PostWindowEndMilliseconds = source.PostWindowEndMilliseconds,
        RefractoryMilliseconds = source.RefractoryMilliseconds,
        UprightAxis = source.UprightAxis,
        SelfCalibratingUpright = source.SelfCalibratingUpright,
        SteadyGaitAxis = source.SteadyGaitAxis,
        Weights = (float[])source.Weights.Clone(),
        Bias = source.Bias,
        PostureTrigger = source.PostureTrigger,
        PostureMinimumAngleDegrees = source.PostureMinimumAngleDegrees,
        PostureStillActivity = source.PostureStillActivity,
        PostureWeights = (float[])source.PostureWeights.Clone(),
        PostureBias = source.PostureBias,
        ColdWeights = source.ColdWeights is null ? null : (float[])source.ColdWeights.Clone(),
        ColdBias = source.ColdBias,
        ColdPostureWeights = source.ColdPostureWeights is null ? null : (float[])source.ColdPostureWeights.Clone(),
        ColdPostureBias = source.ColdPostureBias,
        MathModel = source.MathModel,
    };
}
