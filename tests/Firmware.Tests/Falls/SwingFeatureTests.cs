using Eldercare.Firmware.Core.Falls;

namespace Eldercare.Firmware.Tests.Falls;

/// <summary>
/// The watch's swing features (issue 17): collinearity of consecutive hits and the steadiness of
/// their rhythm, computed once per impact candidate from the ring. Hand-made 50 Hz traces: still
/// with gravity on -y, hits added to gravity as three-sample triangles along a direction.
/// </summary>
[TestClass]
public sealed class SwingFeatureTests
{
    private const int Before = 150;

    /// <summary>Hits at these sample offsets from the first, the third (index 2) the hardest.</summary>
    private static readonly int[] s_regular = [0, 20, 40, 60, 80];

    private static float[][] Trace(int[] at, float[] peakG, float[][] direction)
    {
        int length = Before + at[^1] + 200;
        var samples = new float[length][];
        for (int i = 0; i < length; i++)
        {
            samples[i] = [0f, -1f, 0f];
        }

        for (int h = 0; h < at.Length; h++)
        {
            float[] shape = [0.5f, 1f, 0.5f];
            for (int s = 0; s < shape.Length; s++)
            {
                float[] sample = samples[Before + at[h] + s - 1];
                for (int axis = 0; axis < 3; axis++)
                {
                    sample[axis] += peakG[h] * shape[s] * direction[h][axis];
                }
            }
        }

        return samples;
    }

    private static float[] Along(float x, float y, float z) => [x, y, z];

    private static float[][] Repeat(float[] direction, int count) => [.. Enumerable.Repeat(direction, count)];

    /// <summary>The features of the only impact candidate of the trace, and its peak index.</summary>
    private static (float[] Features, long Peak) OnlyCandidate(float[][] samples, bool swing, bool atThreshold = false)
    {
        FallDetectorOptions options = FallDetectorOptions.ForPlacement("wrist");
        options.SwingFeatures = swing;
        options.SwingHitsAtImpactThreshold = atThreshold;
        var extractor = new FallFeatureExtractor(options);
        var found = new List<(float[], long)>();
        foreach (float[] s in samples)
        {
            if (extractor.AddSample(s[0], s[1], s[2]) && extractor.ImpactReady)
            {
                found.Add(((float[])extractor.Features.Clone(), extractor.CandidatePeakIndex));
            }
        }

        Assert.HasCount(1, found);
        return found[0];
    }

    [TestMethod]
    public void Clap_SteadyCollinearHits_CountEveryPairAndEveryInterval()
    {
        var (features, peak) = OnlyCandidate(Trace(s_regular, [2.5f, 2.5f, 4f, 2.5f, 2.5f], Repeat(Along(1, 0, 0), 5)), swing: true);

        Assert.AreEqual(Before + s_regular[2], peak);
        Assert.AreEqual(Math.Log(1 + 4), features[FallFeatures.SwingAlignmentLog], 0.01, "4 consecutive pairs, all collinear");
        Assert.AreEqual(Math.Log(1 + 3), features[FallFeatures.RhythmLog], 0.01, "3 pairs of equal intervals");
        Assert.AreEqual(Math.Log(1 + 4), features[FallFeatures.RepetitionsLog], 0.01);
    }

    [TestMethod]
    public void SymmetricSwing_AlternatingSigns_CountsAsCollinear()
    {
        float[] right = Along(1, 0, 0);
        float[] left = Along(-1, 0, 0);
        var (features, _) = OnlyCandidate(Trace(s_regular, [2.5f, 2.5f, 4f, 2.5f, 2.5f], [right, left, right, left, right]), swing: true);

        Assert.AreEqual(Math.Log(1 + 4), features[FallFeatures.SwingAlignmentLog], 0.01);
    }

    [TestMethod]
    public void ArrestHits_VariedDirectionsAndSpacing_ScoreLowerThanAClap()
    {
        int[] irregular = [0, 18, 48, 66, 101];
        float[] x = Along(1, 0, 0);
        float[] z = Along(0, 0, 1);
        var (varied, _) = OnlyCandidate(Trace(irregular, [2.5f, 2.5f, 4f, 2.5f, 2.5f], [x, z, x, z, x]), swing: true);
        var (clap, _) = OnlyCandidate(Trace(s_regular, [2.5f, 2.5f, 4f, 2.5f, 2.5f], Repeat(x, 5)), swing: true);

        Assert.IsLessThan(0.3f, varied[FallFeatures.SwingAlignmentLog], "consecutive hits at right angles");
        Assert.IsLessThan(clap[FallFeatures.RhythmLog] - 0.3f, varied[FallFeatures.RhythmLog], "interval ratios 0.6, 0.6, 0.51 against 1, 1, 1");
        Assert.AreEqual(varied[FallFeatures.RepetitionsLog], clap[FallFeatures.RepetitionsLog], "the repetition count cannot tell them apart");
    }

    [TestMethod]
    public void SingleImpact_NoOtherHit_BothZero()
    {
        var (features, _) = OnlyCandidate(Trace([0], [4f], [Along(1, 0, 0)]), swing: true);

        Assert.AreEqual(0f, features[FallFeatures.SwingAlignmentLog]);
        Assert.AreEqual(0f, features[FallFeatures.RhythmLog]);
    }

    [TestMethod]
    public void HardClapAmongSofterOnes_HitsAtTheImpactThreshold_SeeTheSofterOnes()
    {
        float[][] trace = Trace(s_regular, [3f, 3f, 6.9f, 3f, 3f], Repeat(Along(1, 0, 0), 5));

        var (relative, _) = OnlyCandidate(trace, swing: true);
        var (atThreshold, _) = OnlyCandidate(trace, swing: true, atThreshold: true);

        Assert.AreEqual(0f, relative[FallFeatures.SwingAlignmentLog], "|a| 3.2 g stays below 40 % of a 6.9 g impact's excess");
        Assert.AreEqual(Math.Log(1 + 4), atThreshold[FallFeatures.SwingAlignmentLog], 0.01);
    }

    [TestMethod]
    public void Off_FeaturesStayZero_AndSwingWeightsAreRefused()
    {
        var (features, _) = OnlyCandidate(Trace(s_regular, [2.5f, 2.5f, 4f, 2.5f, 2.5f], Repeat(Along(1, 0, 0), 5)), swing: false);
        Assert.AreEqual(0f, features[FallFeatures.SwingAlignmentLog]);
        Assert.AreEqual(0f, features[FallFeatures.RhythmLog]);

        foreach (string placement in new[] { "waist", "neck", "wrist" })
        {
            FallDetectorOptions profile = FallDetectorOptions.ForPlacement(placement);
            Assert.IsNull(profile.Validate(), placement);
            profile.Weights[FallFeatures.RhythmLog] = 0.5f;
            Assert.AreEqual("weights of the swing features need SwingFeatures on", profile.Validate(), placement);
            profile.SwingFeatures = true;
            Assert.IsNull(profile.Validate(), placement);
        }
    }
}
