using Eldercare.Firmware.Core.Falls;
using Eldercare.Firmware.Tools.FallEval;

namespace Eldercare.Firmware.Tests.Falls;

/// <summary>
/// Real traces through the committed profiles as a worn device sees them (issue 17): 10 s of the
/// same subject's walking first (the device knows its body axis), then the recording. Only
/// detections whose impact lies in the recording count.
/// </summary>
[TestClass]
public sealed class WornDetectorRealTraceTests
{
    private const int WarmupSamples = 500; // 10 s at 50 Hz

    private static (int Detections, long Lag) Stream(string placement, string walk, string file)
    {
        (short[] wx, short[] wy, short[] wz) = TrialLoader.ReadSamples(Path.Combine(SharedData.Datasets, walk));
        (short[] x, short[] y, short[] z) = TrialLoader.ReadSamples(Path.Combine(SharedData.Datasets, file));
        var detector = new FallDetector(FallDetectorOptions.ForPlacement(placement));
        int warm = Math.Min(WarmupSamples, wx.Length);
        for (int i = 0; i < warm; i++)
        {
            detector.AddSample(wx[i] / 1000f, wy[i] / 1000f, wz[i] / 1000f);
        }

        int detections = 0;
        long lag = -1;
        for (int i = 0; i < x.Length; i++)
        {
            if (detector.AddSample(x[i] / 1000f, y[i] / 1000f, z[i] / 1000f) && detector.LastImpactSampleIndex >= warm)
            {
                detections++;
                lag = detector.LastDetectionSampleIndex - detector.LastImpactSampleIndex;
            }
        }

        return (detections, lag);
    }

    /// <summary>
    /// Candidates (impact or posture) the same worn stream raises inside the recording: a trace
    /// that never reaches the candidate stage would make "does not fire" true by construction.
    /// </summary>
    private static int CandidatesIn(string placement, string walk, string file)
    {
        (short[] wx, short[] wy, short[] wz) = TrialLoader.ReadSamples(Path.Combine(SharedData.Datasets, walk));
        (short[] x, short[] y, short[] z) = TrialLoader.ReadSamples(Path.Combine(SharedData.Datasets, file));
        var extractor = new FallFeatureExtractor(FallDetectorOptions.ForPlacement(placement));
        int warm = Math.Min(WarmupSamples, wx.Length);
        for (int i = 0; i < warm; i++)
        {
            extractor.AddSample(wx[i] / 1000f, wy[i] / 1000f, wz[i] / 1000f);
        }

        int candidates = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (extractor.AddSample(x[i] / 1000f, y[i] / 1000f, z[i] / 1000f)
                && ((extractor.ImpactReady && extractor.CandidatePeakIndex >= warm) || (extractor.PostureReady && extractor.Posture.CandidatePeakIndex >= warm)))
            {
                candidates++;
            }
        }

        return candidates;
    }

    private static void AssertScoredAndQuiet(string placement, string walk, string file)
    {
        Assert.IsGreaterThan(0, CandidatesIn(placement, walk, file), "no candidate in the recording: 'does not fire' would prove nothing");
        Assert.AreEqual(0, Stream(placement, walk, file).Detections);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("falls/SA01_D01_R01.csv", "falls/SA01_D14_R04.csv")]
    [DataRow("falls/SA08_D01_R01.csv", "falls/SA08_D14_R03.csv")]
    [DataRow("falls/SE07_D01_R01.csv", "falls/SE07_D14_R01.csv")]
    public void Waist_RollInBed_DoesNotFire(string walk, string roll)
    {
        AssertScoredAndQuiet("waist", walk, roll);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("falls/SA01_D01_R01.csv", "falls/SA01_D08_R01.csv")]
    [DataRow("falls/SA01_D01_R01.csv", "falls/SA01_D10_R01.csv")]
    [DataRow("falls/SE07_D01_R01.csv", "falls/SE07_D08_R01.csv")]
    [DataRow("falls/SE07_D01_R01.csv", "falls/SE07_D10_R01.csv")]
    public void Waist_QuickSit_DoesNotFire(string walk, string sit)
    {
        AssertScoredAndQuiet("waist", walk, sit);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("falls/SA01_D01_R01.csv", "falls/SA01_F12_R01.csv")]
    [DataRow("falls/SA01_D01_R01.csv", "falls/SA01_F13_R01.csv")]
    [DataRow("falls/SA01_D01_R01.csv", "falls/SA01_F14_R01.csv")]
    [DataRow("falls/SA01_D01_R01.csv", "falls/SA01_F15_R01.csv")]
    [DataRow("falls/SE06_D01_R01.csv", "falls/SE06_F12_R01.csv")]
    [DataRow("falls/SE06_D01_R01.csv", "falls/SE06_F15_R01.csv")]
    public void Waist_FallFromAChair_FiresOnceWithinTwoSeconds(string walk, string fall)
    {
        (int detections, long lag) = Stream("waist", walk, fall);

        Assert.AreEqual(1, detections);
        Assert.IsLessThanOrEqualTo(100L, lag);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("umafall/chest/U02_Walking_R01.csv", "umafall/chest/U02_Sitting_GettingUpOnAChair_R01.csv", false)]
    [DataRow("umafall/chest/U02_Walking_R01.csv", "umafall/chest/U02_LyingDown_OnABed_R01.csv", false)]
    [DataRow("umafall/chest/U02_Walking_R01.csv", "umafall/chest/U02_forwardFall_R01.csv", true)]
    public void Neck_WornTrace_FiresOnlyOnTheFall(string walk, string file, bool isFall)
    {
        Assert.AreEqual(isFall ? 1 : 0, Stream("neck", walk, file).Detections);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("umafall/wrist/U02_Walking_R01.csv", "umafall/wrist/U02_Aplausing_R01.csv")]
    [DataRow("umafall/wrist/U02_Walking_R01.csv", "umafall/wrist/U02_Aplausing_R02.csv")]
    [DataRow("umafall/wrist/U06_Walking_R01.csv", "umafall/wrist/U06_Aplausing_R01.csv")]
    [DataRow("umafall/wrist/U07_Walking_R01.csv", "umafall/wrist/U07_Aplausing_R01.csv")]
    public void Wrist_ClapSequence_DoesNotFire(string walk, string clap)
    {
        AssertScoredAndQuiet("wrist", walk, clap);
    }
}
